// The shorter forms of the store's methods, with the same defaults as ``LabStore``'s.
import AnnolabCore
import Foundation

extension LabStoring {
    public func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, expiresAt: Date?, now: Date) async throws {
        try await storeToken(userId: userId, tokenHash: tokenHash, kind: kind, label: nil, expiresAt: expiresAt, now: now)
    }

    public func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, label: String?, expiresAt: Date?) async throws {
        try await storeToken(userId: userId, tokenHash: tokenHash, kind: kind, label: label, expiresAt: expiresAt, now: Date())
    }

    public func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, expiresAt: Date?) async throws {
        try await storeToken(userId: userId, tokenHash: tokenHash, kind: kind, label: nil, expiresAt: expiresAt, now: Date())
    }

    public func user(tokenHash: String) async throws -> User? {
        try await user(tokenHash: tokenHash, now: Date())
    }

    public func lease(microtaskId: Int64, operatorId: Int64, at now: Date, until expiry: Date) async throws -> LeasedMicrotask {
        try await lease(microtaskId: microtaskId, operatorId: operatorId, at: now, until: expiry, withTask: false)
    }

    public func recordAnswer(_ answer: AnswerRecord, required: Int, complete: Bool) async throws -> AnswerRecord {
        try await recordAnswer(answer, required: required, complete: complete, expired: [])
    }

    /// A store of one server: its queue decides, and the store only records.
    public var sharedByServers: Bool { false }

    public func mayRunBackgroundWork() async -> Bool { true }

    public func renewSharedLease(id: Int64, until expiry: Date, now: Date) async throws -> Bool {
        try await renewLease(id: id, until: expiry)
        return true
    }

    public func recordSharedAnswer(_ answer: AnswerRecord, decide: AnswerDecision) async throws -> SharedAnswerCount {
        throw LabError(.internalFailure, "not_shared", "This lab's store is used by one server; its answers are counted by the server.")
    }

    public func closeAssignment(id: Int64, state: Assignment.State, at now: Date) async throws {
        try await closeAssignment(id: id, state: state, reason: nil, at: now)
    }

    public func answersInContext(operatorId: Int64) async throws -> [AnswerInContext] {
        try await answersInContext(operatorId: operatorId, limit: 500)
    }

    public func audit(actor: Int64?, action: String, subject: String?) async throws {
        try await audit(actor: actor, action: action, subject: subject, detail: nil)
    }

    public func auditLog() async throws -> [(entry: AuditEntry, actor: User?)] {
        try await auditLog(limit: 100)
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, language: String, now: Date) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: .standard, language: language, now: now)
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile, now: Date) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: profile, language: "nl", now: now)
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile, language: String) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: profile, language: language, now: Date())
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, now: Date) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: .standard, language: "nl", now: now)
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, language: String) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: .standard, language: language, now: Date())
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: profile, language: "nl", now: Date())
    }

    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String) async throws -> Int {
        try await addOperatorsInBulk(badges: badges, namePrefix: namePrefix, profile: .standard, language: "nl", now: Date())
    }

    public func createClient(name: String, now: Date) async throws -> Client {
        try await createClient(name: name, hourlyPriceCents: 0, now: now)
    }

    public func createClient(name: String, hourlyPriceCents: Int) async throws -> Client {
        try await createClient(name: name, hourlyPriceCents: hourlyPriceCents, now: Date())
    }

    public func createClient(name: String) async throws -> Client {
        try await createClient(name: name, hourlyPriceCents: 0, now: Date())
    }

    public func alerts(coachId: Int64) async throws -> [AlertRecord] {
        try await alerts(coachId: coachId, all: false)
    }

    public func feedback(coachId: Int64) async throws -> [(FeedbackRecord, String)] {
        try await feedback(coachId: coachId, status: nil)
    }

    public func messages(operatorId: Int64) async throws -> [(MessageRecord, String?)] {
        try await messages(operatorId: operatorId, limit: 50)
    }

    public func seedIfEmpty(_ seed: LabSeed) async throws -> [Int64]? {
        try await seedIfEmpty(seed, now: Date())
    }

    public func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, at now: Date) async throws {
        try await updateMediaJob(id: id, state: state, progress: progress, reason: nil, at: now)
    }

    public func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, reason: String?) async throws {
        try await updateMediaJob(id: id, state: state, progress: progress, reason: reason, at: Date())
    }

    public func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double) async throws {
        try await updateMediaJob(id: id, state: state, progress: progress, reason: nil, at: Date())
    }

    public func finishMediaJob(_ job: MediaJob, microtasks: [(microtask: Microtask, media: [String])]) async throws -> [Microtask] {
        try await finishMediaJob(job, microtasks: microtasks, at: Date())
    }

    public func progress(projectId: Int64) async throws -> ProjectProgress {
        try await progress(projectId: projectId, now: Date())
    }

    public func createUser(_ new: NewUser) async throws -> User {
        try await createUser(new, now: Date())
    }

    public func disableUser(id: Int64, actor: Int64?) async throws -> LabStore.Disabled {
        try await disableUser(id: id, actor: actor, now: Date())
    }
}
