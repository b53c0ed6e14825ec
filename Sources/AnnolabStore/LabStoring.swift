// What the server and the command line ask of a lab's store, whichever database holds it.
import AnnolabCore
import Foundation

/// A lab's persistent state in the lab's own words: people, projects, microtasks, leases and
/// answers, shifts, pay, coaching, exports. ``LabStore`` keeps it in SQLite in a data folder; the
/// server and the command line use only this interface (and ``LabStore`` itself only where a
/// data folder's SQLite file is the point: backups, integrity checks, `annolab migrate`).
///
/// A method's arguments are never left out here (a protocol's requirement has no defaults);
/// `LabStoring+Defaults.swift` gives the usual shorter forms, with the defaults ``LabStore`` has.
public protocol LabStoring: AnyObject, Sendable {
    // MARK: LabStore

    /// The data folder: `annolab.sqlite` and the `media/` folder live here.
    var folder: URL { get }
    /// Where imported media and the tiles and clips cut from them are kept.
    var mediaFolder: URL { get }
    /// How many writes shared the last group commit (0 before the first): how much the lab's writes are
    /// bunching up, shown at `/metrics`.
    var lastCommitBatchSize: Int { get }

    // MARK: ApiToken

    func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, label: String?, expiresAt: Date?, now: Date) async throws
    /// The person a token belongs to, when the token exists, has not expired and the account is active.
    func user(tokenHash: String, now: Date) async throws -> User?
    func deleteToken(tokenHash: String) async throws
    /// A person's API tokens (not their browser sessions), newest first.
    func apiTokens(userId: Int64) async throws -> [ApiToken]
    /// Revokes one of a person's API tokens; returns its hash, or nil when it is not theirs.
    func revokeApiToken(id: Int64, userId: Int64) async throws -> String?

    // MARK: Assignment+Media

    /// Whether the media file at `url` (as a microtask's payload names it, e.g. `/media/12/3f2a…/clip-1.wav`)
    /// is shown by a microtask that the viewer (or, for a coach, one of their operators) holds a live lease
    /// on at `now`, or has answered.
    func mediaIsOpen(url: String, to viewer: MediaViewer, at now: Date) async throws -> Bool

    // MARK: Assignment

    /// Stores a new lease (group commit).
    func lease(microtaskId: Int64, operatorId: Int64, at now: Date, until expiry: Date, withTask: Bool) async throws -> LeasedMicrotask
    func assignment(id: Int64) async throws -> Assignment?
    func answer(assignmentId: Int64) async throws -> AnswerRecord?
    /// Stores an answer, closes its assignment and counts it on the microtask, as one write of a group
    /// commit.
    func recordAnswer(_ answer: AnswerRecord, required: Int, complete: Bool, expired: [Int64]) async throws -> AnswerRecord
    /// Whether this server is the one that runs the lab's background work (preparing programmes, fetching
    /// models' predictions): always with one server; with several, one at a time.
    func mayRunBackgroundWork() async -> Bool
    /// Whether other servers lease and answer on this store at the same time (``PlacesTaken``): then
    /// `lease` refuses a microtask whose places are taken, and answers go through ``recordSharedAnswer``.
    var sharedByServers: Bool { get }
    /// Stores an answer counted under the microtask's lock against every answer it has: refused
    /// `lease_expired` when its place went to someone else or the microtask is finished.
    func recordSharedAnswer(_ answer: AnswerRecord, decide: AnswerDecision) async throws -> SharedAnswerCount
    /// Extends a lease when a store is shared: false (and the lease ended `expired`) when its time ran out
    /// and its place went to someone else, or its microtask is finished.
    func renewSharedLease(id: Int64, until expiry: Date, now: Date) async throws -> Bool
    /// Closes an assignment without an answer: skipped by the operator, released, or expired.
    func closeAssignment(id: Int64, state: Assignment.State, reason: String?, at now: Date) async throws
    /// Extends a lease (the browser renews a preloaded task).
    func renewLease(id: Int64, until expiry: Date) async throws
    /// All answers of a project, oldest first (for consensus and exports).
    func answers(projectId: Int64) async throws -> [AnswerRecord]
    /// An operator's answers with their microtask's kind and the other answers on it, newest first.
    func answersInContext(operatorId: Int64, limit: Int) async throws -> [AnswerInContext]

    // MARK: AuditEntry

    func audit(actor: Int64?, action: String, subject: String?, detail: String?) async throws
    /// The newest `limit` lines of the log, newest first, each with the person who made the change (nil for
    /// the lab itself or the command line, or when that account was removed).
    func auditLog(limit: Int) async throws -> [(entry: AuditEntry, actor: User?)]

    // MARK: BulkSeed

    /// Adds one operator per badge, each with a profile of `profile`'s blocks, in one transaction.
    @discardableResult
    func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile, language: String, now: Date) async throws -> Int

    // MARK: Client

    func createClient(name: String, hourlyPriceCents: Int, now: Date) async throws -> Client
    func client(id: Int64) async throws -> Client?

    // MARK: CoachStatement

    /// The operator's statement, agreed or not; nil when the coach has not written one.
    func coachStatement(operatorId: Int64) async throws -> CoachStatement?
    /// Stores the coach's text.
    func writeCoachStatement(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> CoachStatement
    /// The operator agrees with the text as it stands; an open change request is then settled.
    func agreeToCoachStatement(operatorId: Int64, at now: Date) async throws -> CoachStatement
    /// The operator asks the coach to change the text; until the coach writes a new one, the statement is not
    /// agreed and stays out of the record.
    func askForStatementChange(operatorId: Int64, request: String, at now: Date) async throws -> CoachStatement

    // MARK: Coaching+Alerts

    /// Stores an alert unless one of the same kind and key exists for the operator; returns it when new.
    func addAlertOnce(operatorId: Int64, kind: String, key: String, reason: String, data: [String: String], at now: Date) async throws -> AlertRecord?
    /// The alerts of a coach's operators, newest first; open ones only unless `all`.
    func alerts(coachId: Int64, all: Bool) async throws -> [AlertRecord]
    /// One operator's alerts raised in a span of time, oldest first.
    func alerts(operatorId: Int64, from: Date, to: Date) async throws -> [AlertRecord]
    /// Marks an alert of one of this coach's operators as seen; nil when it is not theirs.
    func acknowledgeAlert(id: Int64, coachId: Int64, at now: Date) async throws -> AlertRecord?
    /// How many of an operator's alerts no coach has acknowledged yet.
    func openAlertCount(operatorId: Int64) async throws -> Int
    /// The names of several people by id, read at once: alerts are listed with their operators' names.
    func userNames(ids: Set<Int64>) async throws -> [Int64: String]

    // MARK: Coaching+Feedback

    func addFeedback(projectId: Int64, kind: String, body: String, actor: Int64?, at now: Date) async throws -> FeedbackRecord
    /// Client feedback with its project's name, newest first, with this coach's own decision as its status
    /// (pending until they decide); `status` keeps only items in that state.
    func feedback(coachId: Int64, status: FeedbackStatus?) async throws -> [(FeedbackRecord, String)]
    /// A coach decides on an item for their own group; when forwarded, each chosen operator gets the coach's
    /// words as a message.
    func decideFeedback(id: Int64, coachId: Int64, forward: Bool, text: String, operatorIds: [Int64], at now: Date) async throws -> FeedbackRecord?

    // MARK: Coaching+LoadFigures

    /// An operator's answers since a moment, oldest first.
    func answerActivity(operatorId: Int64, since: Date) async throws -> [LoadAnswer]
    /// When an operator skipped tasks since a moment.
    func skips(operatorId: Int64, since: Date) async throws -> [Date]
    /// How many extra pauses an operator began since a moment.
    func extraPauseCount(operatorId: Int64, since: Date) async throws -> Int
    /// One shift by its id.
    func shift(id: Int64) async throws -> Shift?

    // MARK: Coaching+Messages

    func addNote(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> NoteRecord
    /// A coach's own notes about one operator, newest first; other coaches' notes stay theirs.
    func notes(operatorId: Int64, coachId: Int64) async throws -> [NoteRecord]
    func addMessage(operatorId: Int64, senderId: Int64, body: String, at now: Date) async throws -> MessageRecord
    /// An operator's messages, newest first, with the sender's name.
    func messages(operatorId: Int64, limit: Int) async throws -> [(MessageRecord, String?)]
    /// Marks a message of this operator as read; false when it is not theirs.
    func markMessageRead(id: Int64, operatorId: Int64, at now: Date) async throws -> Bool

    // MARK: Coaching+ProjectAccess

    /// Projects an operator may not work on, by their coach's decision.
    func deniedProjects() async throws -> [Int64: Set<Int64>]
    /// Records which of a coach's operators get a project; the others do not.
    func setProjectAccess(projectId: Int64, coachId: Int64, allowed: Set<Int64>, at now: Date) async throws
    func notifyCoaches(projectId: Int64, kind: String, at now: Date) async throws -> [Int64]
    func notifications(coachId: Int64) async throws -> [(CoachNotification, String)]

    // MARK: Erasure

    /// Erases an operator, in one transaction.
    func erase(operatorId: Int64, actor: Int64?, at now: Date) async throws -> ErasureOutcome

    // MARK: ExportRows

    /// Runs `consume` over a cursor of the project's items, inside one read transaction, and returns what it
    /// makes of them.
    func readExportItems<T: Sendable>(projectId: Int64, _ consume: @Sendable (inout ExportItemCursor) throws -> T) async throws -> T
    /// Runs `consume` over a cursor of the project's box answers (see ``ExportBoxAnswerCursor``), inside one
    /// read transaction.
    func readExportBoxAnswers<T: Sendable>(projectId: Int64, _ consume: @Sendable (inout ExportBoxAnswerCursor) throws -> T) async throws -> T
    /// Stores finished answers in one transaction: each with its answered assignment, counted on its
    /// microtask (complete once it has its required answers).
    func addFinishedAnswers(_ answers: [FinishedAnswer]) async throws

    // MARK: InstructionRating

    /// Keeps an operator's rating of the instructions of a task they answered or skipped.
    func rateInstructions(operatorId: Int64, assignmentId: Int64, clear: Bool, comment: String?, at now: Date) async throws -> InstructionRating
    /// Comments no coach has decided on yet, oldest first, with their project's name.
    func pendingComments() async throws -> [PendingComment]
    /// A coach passes a comment on to the client or keeps it back; nil when there is no such comment.
    func decideComment(id: Int64, coachId: Int64, pass: Bool, at now: Date) async throws -> InstructionRating?
    /// The ratings of a project per version of its instructions, and the comments a coach passed (newest
    /// first): no names and no operator ids, which the client must never see.
    func ratingSummary(projectId: Int64) async throws -> RatingSummary

    // MARK: Item

    /// Stores items with their microtasks in one transaction: all of them or none.
    func addItems(_ items: [(item: Item, microtasks: [Microtask])], actor: Int64?) async throws -> [Microtask]
    func items(projectId: Int64) async throws -> [Item]
    /// Counts of everything an import writes, for checks that a refused upload left nothing behind.
    func importCounts() async throws -> (items: Int, microtasks: Int)
    func item(id: Int64) async throws -> Item?

    // MARK: LabSeed

    /// Whether the lab has nobody in it yet.
    func isEmpty() async throws -> Bool
    /// Stores a whole seed in one transaction, only when the lab is still empty.
    func seedIfEmpty(_ seed: LabSeed, now: Date) async throws -> [Int64]?

    // MARK: LabSetting

    /// A setting's JSON value, or nil when it was never set.
    func labSetting(_ key: String) async throws -> String?
    func setLabSetting(_ key: String, json: String, actor: Int64?) async throws

    // MARK: MediaJob

    /// Stores programmes as items, each with its waiting job, in one transaction.
    func addProgrammes(_ entries: [(item: Item, job: MediaJob)], actor: Int64?) async throws -> [MediaJob]
    func mediaJobs(projectId: Int64) async throws -> [MediaJob]
    /// Jobs still to do, oldest first; a `working` job was cut off by a stop and starts again.
    func unfinishedMediaJobs() async throws -> [MediaJob]
    func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, reason: String?, at now: Date) async throws
    /// Finishes a job: its microtasks (with the frames each shows) are stored and the job is ready, in one
    /// transaction, so a stop in between leaves the job to be done again whole.
    func finishMediaJob(_ job: MediaJob, microtasks: [(microtask: Microtask, media: [String])], at now: Date) async throws -> [Microtask]

    // MARK: Microtask+Review

    /// Stores a reviewer's microtask for `original` (once: a second call returns nil), with the operators who
    /// answered the original, none of whom may review it.
    func addReview(of original: Microtask, payload: String, at now: Date) async throws -> (Microtask, Set<Int64>)?
    /// Reviewers' decisions in a project: the microtask decided -> the reviewer's answer.
    func reviewDecisions(projectId: Int64) async throws -> [Int64: AnswerRecord]

    // MARK: Microtask

    func microtask(id: Int64) async throws -> Microtask?
    func microtasks(projectId: Int64) async throws -> [Microtask]
    /// Marks microtasks of a project as gold with their known answers, in one transaction.
    func setGold(projectId: Int64, answers: [GoldAnswer]) async throws
    func goldAnswer(microtaskId: Int64) async throws -> GoldAnswer?
    /// Stores new microtasks in one transaction; returns them with their ids.
    func addMicrotasks(_ microtasks: [Microtask]) async throws -> [Microtask]

    // MARK: OpenWork

    func openWork() async throws -> OpenWork

    // MARK: OperatorProfile

    func profile(operatorId: Int64) async throws -> OperatorProfile?
    /// Replaces an operator's profile (agreed with their coach).
    func updateProfile(_ profile: OperatorProfile, actor: Int64?) async throws

    // MARK: OperatorRecordFacts

    func recordFacts(operatorId: Int64) async throws -> OperatorRecordFacts

    // MARK: PersonalSettings

    /// A person's settings; the language comes from their account.
    func personalSettings(userId: Int64) async throws -> PersonalSettings
    /// Stores a person's settings (checked first); the language also becomes their account's language.
    func setPersonalSettings(_ settings: PersonalSettings, userId: Int64) async throws -> PersonalSettings

    // MARK: Prediction+Checks

    /// When the last box check of a picture is done, makes its drawing microtasks ("anything missed?") from
    /// the held payloads, each showing the boxes `shown` decides for it; once only.
    func releaseHeldDrawing(afterCheck microtaskId: Int64, required: Int, shown: @escaping @Sendable ([AnsweredCheck], MicrotaskPayload) -> [LabeledBox]) async throws -> [Microtask]
    /// Every box check of a project with its answers (people's, not gold), in item and microtask order.
    func answeredChecks(projectId: Int64) async throws -> [AnsweredCheck]
    /// The stored predictions of a project, newest model version last.
    func predictions(projectId: Int64) async throws -> [StoredPrediction]
    /// The files of a project whose work is all done: no open microtask, no drawing held back, not waiting
    /// for a model.
    func finishedItemIds(projectId: Int64) async throws -> Set<Int64>
    /// Seconds per drawn box of a project's drawing answers (answers with at least one box): the lab's own
    /// time to draw a box from scratch.
    func drawSecondsPerBox(projectId: Int64) async throws -> [Double]

    // MARK: Prediction

    func modelSetting(projectId: Int64) async throws -> ModelSetting?
    func saveModelSetting(_ setting: ModelSetting) async throws
    /// Every project with a live model, for the background fetcher.
    func liveModels() async throws -> [ModelSetting]
    /// The project whose live model holds this media token (its SHA-256), if any.
    func projectForModelToken(hash: String) async throws -> Int64?
    /// Stores the files, their predictions and their work in one transaction: all or nothing. Returns the
    /// microtasks made, in serving order.
    func addPredictedUpload(_ upload: PredictedUpload, actor: Int64?, at now: Date) async throws -> [Microtask]
    /// Pictures a live model has predicted, and pictures still waiting for it.
    func predictionCounts(projectId: Int64) async throws -> (predicted: Int, waiting: Int)
    /// Pictures of a project waiting for its live model, oldest first.
    func waitingPictures(projectId: Int64, limit: Int) async throws -> [WaitingPicture]
    /// Notes a failed attempt to get pictures' predictions.
    func noteWaitFailure(itemIds: [Int64], reason: String) async throws

    // MARK: Project+InstructionsVersion

    /// The version of a project's instructions operators get now (1 until the client changes them).
    func instructionsVersion(projectId: Int64) async throws -> Int?
    /// Every stored version of a project's instructions, oldest first.
    func instructionsVersions(projectId: Int64) async throws -> [InstructionsVersion]
    /// Gives a project new instructions (JSON, or nil for the template's) as a new version, and keeps the old
    /// and the new text; returns the new version number.
    func changeInstructions(projectId: Int64, to instructions: String?, actor: Int64?, at now: Date) async throws -> Int
    /// The version of a project's instructions a task given to the operator now carries, and whether it is
    /// new to them: true once after each change, never with their first task of the project.
    func instructionsNotice(operatorId: Int64, projectId: Int64) async throws -> (version: Int, changed: Bool)

    // MARK: Project

    func createProject(_ project: Project, actor: Int64?) async throws -> Project
    func project(id: Int64) async throws -> Project?
    /// The projects of one client, or of every client when `clientId` is nil.
    func projects(clientId: Int64?) async throws -> [Project]
    func progress(projectId: Int64, now: Date) async throws -> ProjectProgress
    /// Answers still needed on open microtasks, and their estimated effort.
    func remainingWork(projectId: Int64) async throws -> RemainingWork
    /// Work minutes a day the lab's operators are rostered for (their daily caps), and how many projects
    /// share them.
    func rosteredCapacity() async throws -> (minutesPerDay: Int, openProjects: Int)

    // MARK: Rate

    /// Sets (or replaces) the rate that takes effect on a date.
    func setRate(operatorId: Int64, hourlyCents: Int, from: String, actor: Int64?) async throws
    func rates(operatorId: Int64) async throws -> [Rate]
    func minimumWageRows() async throws -> [MinimumWageRecord]

    // MARK: Shift

    /// Operators with a shift that is not closed in the store.
    func operatorsWithOpenShifts() async throws -> [Int64]
    /// How many operators have a shift running at `now`: not closed, and not past its planned end.
    func operatorsOnShift(at now: Date) async throws -> Int
    /// The operator's most recent shift, ended or not.
    func latestShift(operatorId: Int64) async throws -> Shift?
    func shifts(operatorId: Int64, from: Date, to: Date) async throws -> [Shift]
    /// Starts a shift unless one is running. Returns the running or new shift.
    func startShift(_ shift: Shift) async throws -> Shift
    /// Marks when a running shift switches to the operator's new profile (nil: no switch).
    func setShiftSwitch(id: Int64, at moment: Date?) async throws
    /// Closes a shift and writes its ledger segments (work, pause, waiting), in one transaction.
    func endShift(id: Int64, at end: Date, reason: ShiftEndReason, segments: [TimeSegment]) async throws

    // MARK: ShiftEffort

    func shiftEfforts(projectId: Int64) async throws -> [ShiftEffort]

    // MARK: Skill

    func skills(operatorId: Int64) async throws -> [SkillRecord]
    /// Opens a step for an operator.
    @discardableResult
    func openSkill(operatorId: Int64, step: String, via: String, by actor: Int64?, at: Date) async throws -> Bool
    /// Whether anyone reached one of `steps` (a lab with a reviewer, say).
    func anyoneReached(steps: [String]) async throws -> Bool
    /// Practice questions of `kinds` this operator answered (gold microtasks, right or not), and the `recent`
    /// most recent of them.
    func practice(operatorId: Int64, kinds: Set<TaskKind>, recent: Int) async throws -> PracticeFigures
    /// For a lab that turns the ladder on: every operator keeps the steps whose kinds they already worked on,
    /// reached on the day of their first answer of those kinds.
    func openEarlierSkills(steps: [(id: String, kinds: [TaskKind])], actor: Int64?) async throws

    // MARK: StoredSegment

    /// The extra pauses of a shift, oldest first; the last may still be open.
    func extraPauses(shiftId: Int64) async throws -> [StoredSegment]
    /// Starts an extra pause, unless one is already running.
    func startExtraPause(shiftId: Int64, at now: Date) async throws
    /// Ends the shift's running extra pause, if there is one.
    func endExtraPause(shiftId: Int64, at now: Date) async throws
    /// Ended shifts' stored segments overlapping a period, with the operator each belongs to, by operator and
    /// then in time order.
    func timeSegments(from: Date, to: Date) async throws -> [(operatorId: Int64, segment: TimeSegment)]

    // MARK: User

    /// Adds a person; an operator also gets a profile (default 45/15 blocks) under their coach.
    func createUser(_ new: NewUser, now: Date) async throws -> User
    func user(id: Int64) async throws -> User?
    func user(badge: String) async throws -> User?
    func user(email: String) async throws -> User?
    /// The operators whose profile names this coach: the coach's group.
    func operators(ofCoach coachId: Int64) async throws -> [User]
    /// Everyone in the lab, by role then name.
    func allUsers() async throws -> [User]
    /// Disables an account: it can no longer sign in, and every session and API token of the person is
    /// deleted in the same transaction, so no token of theirs outlives the change.
    func disableUser(id: Int64, actor: Int64?, now: Date) async throws -> LabStore.Disabled
}

extension LabStore: LabStoring {}
