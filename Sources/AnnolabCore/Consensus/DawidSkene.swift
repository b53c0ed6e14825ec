// Dawid-Skene: learns each operator's confusion matrix and the tasks' true labels together by EM.
//
// A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the
// EM Algorithm", Journal of the Royal Statistical Society, Series C 28(1), 1979, 20-28.
// As in Crowd-Kit's `DawidSkene`, EM starts from majority-vote shares and gold answers are
// clamped as known truth on every step. Unlike plain maximum likelihood, the confusion matrices
// get an additive Dirichlet prior (MAP estimation): a small Laplace pseudo-count on every cell,
// so that an operator with few answers gets no hard zeros, plus one pseudo-answer on the
// diagonal, so that on a small job an operator is presumed right until shown otherwise.

import Foundation

/// Dawid-Skene over integer-coded answers.
///
/// ```swift
/// let model = DawidSkene().fitModel(coded.matrix, gold: coded.codebook.goldCodes(gold))
/// model.consensus.label(task: 3)      // the most probable label code
/// model.reliability[7]                // worker 7's expected accuracy
/// ```
///
/// The fit is written for a million answers in well under a second on one core: answers are
/// grouped by task once, each answer becomes one precomputed offset into a flat table of log
/// confusion probabilities, and EM then runs over contiguous buffers without allocating.
public struct DawidSkene: CategoricalAggregator {
    /// Pseudo-count added to every cell of every confusion matrix and to every class of the
    /// prior (0 gives plain maximum likelihood; 1 is Laplace smoothing).
    public var smoothing: Double
    /// Extra pseudo-count on the diagonal of every confusion matrix: an operator is assumed to
    /// answer correctly until their answers show otherwise. It matters on small jobs (a few
    /// clips, a few cues), where plain EM may otherwise trust an operator because of one or two
    /// lucky agreements; on large jobs the answers outweigh it.
    public var agreementPrior: Double
    /// EM stops when the mean log-likelihood per answer changes by less than this.
    public var tolerance: Double
    /// EM stops after this many iterations even when it has not converged.
    public var maxIterations: Int

    public init(smoothing: Double = 0.01, agreementPrior: Double = 1, tolerance: Double = 1e-6,
                maxIterations: Int = 100) {
        self.smoothing = max(0, smoothing)
        self.agreementPrior = max(0, agreementPrior)
        self.tolerance = tolerance
        self.maxIterations = max(1, maxIterations)
    }

    public func fit(_ answers: AnswerMatrix, gold: [Int: Int]) -> CategoricalConsensus {
        fitModel(answers, gold: gold).consensus
    }

    /// Probabilities are never taken below this before their logarithm, so that an answer the
    /// model thinks impossible (possible only without smoothing) does not wipe out a task.
    private static let floor = 1e-12

    /// Fits the model. `gold` maps task codes to known label codes; entries outside the
    /// matrix's task or label range are ignored.
    public func fitModel(_ answers: AnswerMatrix, gold: [Int: Int] = [:]) -> DawidSkeneModel {
        let K = answers.labelCount
        let T = answers.taskCount
        let W = answers.workerCount
        let N = answers.count

        // EM writes the posterior straight into the array the consensus keeps, so that a
        // million answers do not need a second copy of it.
        var posterior = ContiguousArray<Double>(repeating: 0, count: T * K)
        var isIncluded = ContiguousArray<Bool>(repeating: false, count: T)
        let fit = posterior.withUnsafeMutableBufferPointer { post in
            isIncluded.withUnsafeMutableBufferPointer { included in
                expectationMaximization(answers, gold: gold, post: post, included: included)
            }
        }
        let labels = CategoricalConsensus.mostProbable(
            posterior, taskCount: T, labelCount: K, answered: { isIncluded[$0] })
        let consensus = CategoricalConsensus(taskCount: T, labelCount: K, labels: labels, probabilities: posterior)

        // Report confusion as [worker][true][observed], the way people read a confusion matrix.
        var confusion = ContiguousArray<Double>(repeating: K > 0 ? 1 / Double(K) : 0, count: W * K * K)
        var reliability = ContiguousArray<Double>(repeating: K > 0 ? 1 / Double(K) : 0, count: W)
        if N > 0 && K > 0 {
            let logConf = fit.logConf, priors = fit.priors
            for w in 0..<W {
                let base = w * K * K
                var expected = 0.0
                for truth in 0..<K {
                    for observed in 0..<K {
                        confusion[base + truth * K + observed] = Foundation.exp(logConf[base + observed * K + truth])
                    }
                    expected += priors[truth] * confusion[base + truth * K + truth]
                }
                reliability[w] = expected
            }
        }
        return DawidSkeneModel(
            consensus: consensus, classPriors: fit.priors, confusion: confusion, reliability: reliability,
            iterations: fit.iterations, converged: fit.converged, meanLogLikelihood: fit.meanLogLikelihood)
    }

    /// What EM learned besides the posterior.
    private struct Fit {
        var priors: ContiguousArray<Double>
        /// Row-major `workers x observed x true`: log P(observed | true) per worker.
        var logConf: ContiguousArray<Double>
        var iterations: Int
        var converged: Bool
        var meanLogLikelihood: Double
    }

    /// Runs EM, leaving each task's posterior over true labels in `post` (row-major tasks x
    /// labels, zeroed by the caller) and marking in `included` the tasks that have answers or gold.
    private func expectationMaximization(
        _ answers: AnswerMatrix, gold: [Int: Int],
        post: UnsafeMutableBufferPointer<Double>, included: UnsafeMutableBufferPointer<Bool>
    ) -> Fit {
        let K = answers.labelCount
        let T = answers.taskCount
        let W = answers.workerCount
        let N = answers.count

        // Every buffer EM touches is allocated once here and released on return, so that the
        // iterations themselves allocate nothing.
        let goldLabel = UnsafeMutableBufferPointer<Int32>.allocate(capacity: T)
        let cells = UnsafeMutableBufferPointer<Int32>.allocate(capacity: N)
        let start = UnsafeMutableBufferPointer<Int32>.allocate(capacity: T + 1)
        let counts = UnsafeMutableBufferPointer<Double>.allocate(capacity: W * K * K)
        let logConf = UnsafeMutableBufferPointer<Double>.allocate(capacity: W * K * K)
        let priors = UnsafeMutableBufferPointer<Double>.allocate(capacity: K)
        let logPriors = UnsafeMutableBufferPointer<Double>.allocate(capacity: K)
        let acc = UnsafeMutableBufferPointer<Double>.allocate(capacity: K)
        defer {
            for buffer in [counts, logConf, priors, logPriors, acc] { buffer.deallocate() }
            goldLabel.deallocate()
            cells.deallocate()
            start.deallocate()
        }
        goldLabel.initialize(repeating: -1)
        counts.initialize(repeating: 0)
        logPriors.initialize(repeating: 0)
        acc.initialize(repeating: 0)
        logConf.initialize(repeating: K > 0 ? -Foundation.log(Double(K)) : 0)
        priors.initialize(repeating: K > 0 ? 1 / Double(K) : 0)
        for (task, label) in gold where task >= 0 && task < T && label >= 0 && label < K {
            goldLabel[task] = Int32(label)
        }

        // Answers grouped by task (a counting sort that keeps their order within a task), each
        // as its offset into the [worker][observed][true] table; the offset also tells the
        // label, (cell / K) % K, so no separate index of answers is kept.
        start.initialize(repeating: 0)
        answers.tasks.withUnsafeBufferPointer { tasks in
            for t in tasks { start[Int(t) + 1] &+= 1 }
            for t in 0..<T { start[t + 1] &+= start[t] }
            let next = UnsafeMutableBufferPointer<Int32>.allocate(capacity: T)
            defer { next.deallocate() }
            _ = next.initialize(from: start[0..<T])
            for i in 0..<N {
                let t = Int(tasks[i])
                cells[Int(next[t])] = (answers.workers[i] &* Int32(K) &+ answers.labels[i]) &* Int32(K)
                next[t] &+= 1
            }
        }

        // Majority-vote shares as the starting posterior; gold rows are one-hot.
        var scoredAnswers = 0
        for t in 0..<T {
            let lo = Int(start[t]), hi = Int(start[t + 1])
            let row = t * K
            if goldLabel[t] >= 0 {
                post[row + Int(goldLabel[t])] = 1
                included[t] = true
            } else if hi > lo {
                let share = 1 / Double(hi - lo)
                for j in lo..<hi { post[row + Int(cells[j]) / K % K] += share }
                included[t] = true
                scoredAnswers += hi - lo
            }
        }

        var iterations = 0
        var converged = false
        var meanLogLikelihood = 0.0
        var previous = -Double.infinity
        let floor = Self.floor
        while N > 0 && K > 0 && iterations < maxIterations,
              let postBase = post.baseAddress, let countsBase = counts.baseAddress,
              let logConfBase = logConf.baseAddress, let priorsBase = priors.baseAddress,
              let accBase = acc.baseAddress {
            iterations += 1

            // M-step: expected counts of (worker, observed, true) and of true classes.
            counts.update(repeating: smoothing)
            if agreementPrior > 0 {
                for w in 0..<W { for k in 0..<K { counts[(w * K + k) * K + k] += agreementPrior } }
            }
            priors.update(repeating: smoothing)
            for t in 0..<T where included[t] {
                let row = postBase + t * K
                Self.addRow(row, to: priorsBase, count: K)
                for j in Int(start[t])..<Int(start[t + 1]) {
                    Self.addRow(row, to: countsBase + Int(cells[j]), count: K)
                }
            }
            var priorTotal = 0.0
            for k in 0..<K { priorTotal += priors[k] }
            for k in 0..<K {
                priors[k] = priorTotal > 0 ? priors[k] / priorTotal : 1 / Double(K)
                logPriors[k] = Foundation.log(Swift.max(priors[k], floor))
            }
            // Per worker and true label, the probabilities of the labels given sum to 1.
            for w in 0..<W {
                let base = w * K * K
                for truth in 0..<K {
                    var total = 0.0
                    for observed in 0..<K { total += counts[base + observed * K + truth] }
                    for observed in 0..<K {
                        let p = total > 0 ? counts[base + observed * K + truth] / total : 1 / Double(K)
                        logConf[base + observed * K + truth] = Foundation.log(Swift.max(p, floor))
                    }
                }
            }

            // E-step: each task's posterior over true labels, normalised per task in log space
            // so that a task with thousands of answers does not underflow.
            var logLikelihood = 0.0
            for t in 0..<T where goldLabel[t] < 0 {
                let lo = Int(start[t]), hi = Int(start[t + 1])
                guard hi > lo else { continue }
                for k in 0..<K { acc[k] = logPriors[k] }
                for j in lo..<hi { Self.addRow(logConfBase + Int(cells[j]), to: accBase, count: K) }
                var top = acc[0]
                for k in 1..<K where acc[k] > top { top = acc[k] }
                var sum = 0.0
                for k in 0..<K {
                    // exp(0) is exactly 1: the most likely label needs no call.
                    let difference = acc[k] - top
                    let e = difference == 0 ? 1 : Foundation.exp(difference)
                    acc[k] = e
                    sum += e
                }
                logLikelihood += top + Foundation.log(sum)
                let row = t * K
                let scale = 1 / sum
                for k in 0..<K { post[row + k] = acc[k] * scale }
            }

            meanLogLikelihood = scoredAnswers > 0 ? logLikelihood / Double(scoredAnswers) : 0
            if Swift.abs(meanLogLikelihood - previous) < tolerance {
                converged = true
                break
            }
            previous = meanLogLikelihood
        }
        return Fit(priors: ContiguousArray(priors), logConf: ContiguousArray(logConf), iterations: iterations,
                   converged: converged, meanLogLikelihood: meanLogLikelihood)
    }

    /// `target[k] += row[k]` for k in 0..<count, four or two at a time where it can. Each
    /// element gets the one addition it would get one by one, so the sums are bit for bit the same.
    @inline(__always)
    private static func addRow(_ row: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        while k + 4 <= count {
            let sum = UnsafeRawPointer(target + k).loadUnaligned(as: SIMD4<Double>.self)
                + UnsafeRawPointer(row + k).loadUnaligned(as: SIMD4<Double>.self)
            UnsafeMutableRawPointer(target + k).storeBytes(of: sum, as: SIMD4<Double>.self)
            k += 4
        }
        if k + 2 <= count {
            let sum = UnsafeRawPointer(target + k).loadUnaligned(as: SIMD2<Double>.self)
                + UnsafeRawPointer(row + k).loadUnaligned(as: SIMD2<Double>.self)
            UnsafeMutableRawPointer(target + k).storeBytes(of: sum, as: SIMD2<Double>.self)
            k += 2
        }
        if k < count { target[k] += row[k] }
    }
}

/// What a Dawid-Skene fit learned: labels, class priors and each operator's confusion matrix.
public struct DawidSkeneModel: Sendable {
    public let consensus: CategoricalConsensus
    /// How common each true label is among the tasks.
    public let classPriors: ContiguousArray<Double>
    /// Row-major `workers x labels x labels`: index `(worker * K + truth) * K + observed` holds
    /// the probability that the worker answers `observed` when the truth is `truth`.
    public let confusion: ContiguousArray<Double>
    /// Per worker, the expected share of answers that match the truth:
    /// the sum over labels k of prior(k) x confusion(k, k). Learning feedback, never a ranking.
    public let reliability: ContiguousArray<Double>
    public let iterations: Int
    public let converged: Bool
    /// The mean log-likelihood per (non-gold) answer at the last iteration.
    public let meanLogLikelihood: Double

    /// One worker's confusion matrix: rows are the true label, columns the label given.
    public func confusion(worker: Int) -> [[Double]] {
        let K = consensus.labelCount
        return (0..<K).map { truth in
            (0..<K).map { observed in confusion[(worker * K + truth) * K + observed] }
        }
    }
}
