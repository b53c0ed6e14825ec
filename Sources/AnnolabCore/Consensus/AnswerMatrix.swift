// Operators' answers as dense integer codes, the form every consensus method works on.
//
// The layout follows Crowd-Kit's long table of (task, worker, label) rows
// (Ustalov et al., "Learning from Crowds with Crowd-Kit", JOSS 2024), stored as three
// contiguous Int32 columns so that the algorithms can run over a million answers without
// touching a dictionary or allocating per answer.

/// One operator's answer to one microtask, as it arrives from a CSV file or the store.
public struct CrowdAnswer: Sendable, Hashable {
    public var task: String
    public var worker: String
    public var label: String

    public init(task: String, worker: String, label: String) {
        self.task = task
        self.worker = worker
        self.label = label
    }
}

/// Answers coded as integers: answer `i` says that worker `workers[i]` gave label `labels[i]`
/// to task `tasks[i]`. Codes run from 0 to the matching count minus one.
///
/// ```swift
/// let matrix = try AnswerMatrix(
///     tasks: [0, 0, 1], workers: [0, 1, 0], labels: [1, 1, 0],
///     taskCount: 2, workerCount: 2, labelCount: 2)
/// ```
public struct AnswerMatrix: Sendable, Equatable {
    public let tasks: ContiguousArray<Int32>
    public let workers: ContiguousArray<Int32>
    public let labels: ContiguousArray<Int32>
    /// Tasks may outnumber the tasks that have answers (a gold task nobody answered yet).
    public let taskCount: Int
    public let workerCount: Int
    public let labelCount: Int

    /// Checks every code once, so that the algorithms can index without bounds worries.
    public init(
        tasks: ContiguousArray<Int32>, workers: ContiguousArray<Int32>, labels: ContiguousArray<Int32>,
        taskCount: Int, workerCount: Int, labelCount: Int
    ) throws {
        try Self.checkShape(answers: tasks.count, workers.count, labels.count,
                            taskCount: taskCount, workerCount: workerCount, labelCount: labelCount)
        for i in tasks.indices {
            guard tasks[i] >= 0, Int(tasks[i]) < taskCount,
                  workers[i] >= 0, Int(workers[i]) < workerCount,
                  labels[i] >= 0, Int(labels[i]) < labelCount else {
                throw LabError(.badRequest, "answer_code",
                               "Answer \(i + 1) has a task, worker or label code outside the known range.")
            }
        }
        try self.init(codedTasks: tasks, workers: workers, labels: labels,
                      taskCount: taskCount, workerCount: workerCount, labelCount: labelCount)
    }

    /// For codes made by a `NameTable`, which are in range by construction: checks the counts
    /// but not a million codes one by one.
    init(
        codedTasks tasks: ContiguousArray<Int32>, workers: ContiguousArray<Int32>, labels: ContiguousArray<Int32>,
        taskCount: Int, workerCount: Int, labelCount: Int
    ) throws {
        try Self.checkShape(answers: tasks.count, workers.count, labels.count,
                            taskCount: taskCount, workerCount: workerCount, labelCount: labelCount)
        self.tasks = tasks
        self.workers = workers
        self.labels = labels
        self.taskCount = taskCount
        self.workerCount = workerCount
        self.labelCount = labelCount
    }

    /// Columns of one length, and counts the codes can index (labels stay few: the algorithms
    /// keep a label-by-label matrix per worker).
    private static func checkShape(answers tasks: Int, _ workers: Int, _ labels: Int,
                                   taskCount: Int, workerCount: Int, labelCount: Int) throws {
        guard tasks == workers, tasks == labels else {
            throw LabError(.badRequest, "answer_columns",
                           "The task, worker and label columns must have the same length.")
        }
        guard taskCount >= 0, workerCount >= 0, labelCount >= 0,
              taskCount <= Int(Int32.max), workerCount <= Int(Int32.max), labelCount <= 4096 else {
            throw LabError(.badRequest, "answer_counts",
                           "The numbers of tasks, workers and labels are out of range.")
        }
    }

    /// Convenience for tests and small callers.
    public init(
        tasks: [Int], workers: [Int], labels: [Int],
        taskCount: Int? = nil, workerCount: Int? = nil, labelCount: Int? = nil
    ) throws {
        try self.init(
            tasks: ContiguousArray(tasks.map { Int32(clamping: $0) }),
            workers: ContiguousArray(workers.map { Int32(clamping: $0) }),
            labels: ContiguousArray(labels.map { Int32(clamping: $0) }),
            taskCount: taskCount ?? ((tasks.max() ?? -1) + 1),
            workerCount: workerCount ?? ((workers.max() ?? -1) + 1),
            labelCount: labelCount ?? ((labels.max() ?? -1) + 1))
    }

    /// The number of answers.
    public var count: Int { tasks.count }

    /// The answers grouped by task (a compressed sparse row index), built once per fit so that
    /// the per-task loops read memory in order.
    struct TaskIndex {
        /// Answers of task `t` are `order[start[t] ..< start[t + 1]]`.
        var start: ContiguousArray<Int32>
        var order: ContiguousArray<Int32>
    }

    func taskIndex() -> TaskIndex {
        var start = ContiguousArray<Int32>(repeating: 0, count: taskCount + 1)
        var order = ContiguousArray<Int32>(repeating: 0, count: count)
        start.withUnsafeMutableBufferPointer { start in
            tasks.withUnsafeBufferPointer { tasks in
                for t in tasks { start[Int(t) + 1] &+= 1 }
                for t in 0..<taskCount { start[t + 1] &+= start[t] }
                order.withUnsafeMutableBufferPointer { order in
                    // A counting sort that keeps the original order within a task (stable).
                    var next = ContiguousArray<Int32>(start[0..<taskCount])
                    next.withUnsafeMutableBufferPointer { next in
                        for i in 0..<tasks.count {
                            let t = Int(tasks[i])
                            order[Int(next[t])] = Int32(i)
                            next[t] &+= 1
                        }
                    }
                }
            }
        }
        return TaskIndex(start: start, order: order)
    }
}

/// The names behind the integer codes of an `AnswerMatrix`, to encode answers and decode results.
///
/// Tasks and workers keep the order in which they first appear. Labels are sorted, in numeric
/// order when every label is an integer and in string order otherwise, so that "lowest label
/// code" means the same thing whatever order the answers came in.
public struct AnswerCodebook: Sendable, Equatable {
    public private(set) var tasks: [String] = []
    public private(set) var workers: [String] = []
    public private(set) var labels: [String] = []
    private var taskCodes: [String: Int32] = [:]
    private var workerCodes: [String: Int32] = [:]
    private var labelCodes: [String: Int32] = [:]

    public init() {}

    /// A codebook of names already coded in this order (by `AnswerFile`).
    init(tasks: [String], workers: [String], labels: [String]) {
        self.tasks = tasks
        self.workers = workers
        self.labels = labels
        taskCodes = Self.codes(tasks)
        workerCodes = Self.codes(workers)
        labelCodes = Self.codes(labels)
    }

    private static func codes(_ names: [String]) -> [String: Int32] {
        Dictionary(names.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    public func taskCode(_ name: String) -> Int? { taskCodes[name].map(Int.init) }
    public func workerCode(_ name: String) -> Int? { workerCodes[name].map(Int.init) }
    public func labelCode(_ name: String) -> Int? { labelCodes[name].map(Int.init) }

    /// Turns gold answers given by name into codes; gold for a task or label that no answer
    /// mentions cannot anchor anything and is left out.
    public func goldCodes(_ gold: [String: String]) -> [Int: Int] {
        var codes: [Int: Int] = [:]
        for (task, label) in gold {
            if let t = taskCode(task), let l = labelCode(label) { codes[t] = l }
        }
        return codes
    }

    fileprivate mutating func addTask(_ name: String) -> Int32 {
        if let code = taskCodes[name] { return code }
        let code = Int32(tasks.count)
        tasks.append(name)
        taskCodes[name] = code
        return code
    }

    fileprivate mutating func addWorker(_ name: String) -> Int32 {
        if let code = workerCodes[name] { return code }
        let code = Int32(workers.count)
        workers.append(name)
        workerCodes[name] = code
        return code
    }

    fileprivate mutating func setLabels(_ names: [String]) {
        labels = names
        labelCodes = Self.codes(names)
    }

    /// Sorts label names: numerically when all are integers, else by string order.
    public static func sortedLabels<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        let unique = Array(Set(names))
        let numbers = unique.compactMap { Int($0) }
        if numbers.count == unique.count {
            return unique.sorted { Int($0)! < Int($1)! }
        }
        return unique.sorted()
    }
}

/// Answers given by name, coded for the algorithms, with the codebook to read results back.
///
/// ```swift
/// let coded = try CodedAnswers(table.answers)
/// let result = DawidSkene().fit(coded.matrix, gold: coded.codebook.goldCodes(["q7": "yes"]))
/// for row in coded.decode(result) { print(row.task, row.label ?? "-", row.confidence) }
/// ```
public struct CodedAnswers: Sendable {
    public let matrix: AnswerMatrix
    public let codebook: AnswerCodebook

    /// - Parameter labelOrder: the template's label set, when it should fix the codes; labels
    ///   seen in answers but missing from it are added after it, in sorted order.
    public init(_ answers: [CrowdAnswer], labelOrder: [String]? = nil) throws {
        var book = AnswerCodebook()
        var labelNames = labelOrder ?? []
        let known = Set(labelNames)
        labelNames += AnswerCodebook.sortedLabels(answers.lazy.map(\.label).filter { !known.contains($0) })
        book.setLabels(labelNames)
        var tasks = ContiguousArray<Int32>()
        var workers = ContiguousArray<Int32>()
        var labels = ContiguousArray<Int32>()
        tasks.reserveCapacity(answers.count)
        workers.reserveCapacity(answers.count)
        labels.reserveCapacity(answers.count)
        for answer in answers {
            tasks.append(book.addTask(answer.task))
            workers.append(book.addWorker(answer.worker))
            labels.append(Int32(book.labelCode(answer.label)!))
        }
        self.codebook = book
        self.matrix = try AnswerMatrix(
            tasks: tasks, workers: workers, labels: labels,
            taskCount: book.tasks.count, workerCount: book.workers.count, labelCount: book.labels.count)
    }

    /// Answers already coded, with their codebook.
    init(matrix: AnswerMatrix, codebook: AnswerCodebook) {
        self.matrix = matrix
        self.codebook = codebook
    }

    /// One result row per task, in task code order (first appearance).
    public func decode(_ consensus: CategoricalConsensus) -> [DecodedLabel] {
        (0..<consensus.taskCount).map { t in
            let label = consensus.label(task: t).map { codebook.labels[$0] }
            return DecodedLabel(task: codebook.tasks[t], label: label, confidence: consensus.confidence(task: t))
        }
    }
}

/// A consensus label by name: the row of `annolab aggregate`'s output.
public struct DecodedLabel: Sendable, Equatable {
    public var task: String
    /// Nil when the task has no answers and no gold.
    public var label: String?
    public var confidence: Double

    public init(task: String, label: String?, confidence: Double) {
        self.task = task
        self.label = label
        self.confidence = confidence
    }
}
