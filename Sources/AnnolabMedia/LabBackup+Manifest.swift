// The manifest a backup file opens with: its format, schema, and what the lab it holds counts.

extension LabBackup {
    /// What the database copy holds, told by the store that made it.
    public struct DatabaseFacts: Codable, Sendable, Equatable {
        /// The schema migrations applied to the copy, oldest first.
        public var migrations: [String]
        public var answers: Int
        public var users: Int
        public var projects: Int
        public var microtasks: Int

        public init(migrations: [String], answers: Int, users: Int, projects: Int, microtasks: Int) {
            self.migrations = migrations
            self.answers = answers
            self.users = users
            self.projects = projects
            self.microtasks = microtasks
        }
    }

    /// How much of the lab a backup holds.
    public struct Counts: Codable, Sendable, Equatable {
        public var answers: Int
        public var users: Int
        public var projects: Int
        public var microtasks: Int
        public var mediaFiles: Int
        public var speechFiles: Int
    }

    /// The first file of every backup.
    public struct Manifest: Codable, Sendable, Equatable {
        /// Always "annolab-backup".
        public var format: String
        public var formatVersion: Int
        /// When the database copy was made, UTC, ISO 8601.
        public var createdAt: String
        /// The last schema migration applied to the database copy.
        public var schemaVersion: String
        public var migrations: [String]
        public var counts: Counts
    }
}
