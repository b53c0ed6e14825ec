// The demo lab a newcomer gets from `annolab demo`: accounts, a coach's group, a client's projects.
import AnnolabCore
import AnnolabStore
import Foundation

/// Seeds and describes the demo lab. Its accounts are for trying the lab only.
public enum DemoLab {
    public struct Login: Sendable {
        public var role: Role
        public var login: String
        public var password: String?
    }

    /// The demo accounts, as documented in the README.
    public static let logins: [Login] = [
        Login(role: .admin, login: "admin@demo.local", password: "demo-admin"),
        Login(role: .coach, login: "coach@demo.local", password: "demo-coach"),
        Login(role: .client, login: "client@demo.local", password: "demo-client"),
    ] + (1...6).map { Login(role: .operator, login: String(format: "OP-%04d", $0), password: nil) }

    /// Operators of different ages, so that the wage table's brackets show in the demo.
    static let operators: [(name: String, birthdate: String)] = [
        ("Anouk de Vries", "1998-05-14"), ("Bram Jansen", "2006-09-02"), ("Chaima El Amrani", "2001-11-23"),
        ("Daan Bakker", "1985-03-30"), ("Esra Yilmaz", "2007-07-19"), ("Floor Visser", "1992-01-08"),
    ]

    /// Seeds the demo lab when the data folder holds no lab yet. Returns whether it seeded.
    public static func seedIfEmpty(store: any LabStoring) async throws -> Bool {
        guard try await store.isEmpty() else { return false }
        var people: [LabSeed.Person] = [
            .init(key: "admin", user: NewUser(role: .admin, name: "Lab admin", email: "admin@demo.local",
                                               passwordHash: PasswordHasher.hash("demo-admin"), language: "en")),
            .init(key: "coach", user: NewUser(role: .coach, name: "Coach Sanne", email: "coach@demo.local",
                                               passwordHash: PasswordHasher.hash("demo-coach"))),
            .init(key: "client", user: NewUser(role: .client, name: "Demo Media newsroom", email: "client@demo.local",
                                                passwordHash: PasswordHasher.hash("demo-client"), language: "en")),
        ]
        for (index, person) in operators.enumerated() {
            people.append(.init(key: "op\(index + 1)",
                                user: NewUser(role: .operator, name: person.name, badge: String(format: "OP-%04d", index + 1),
                                              birthdate: person.birthdate),
                                coachKey: "coach"))
        }
        let now = Date()
        let projects = DemoProject.seeded.map { $0.project(clientId: 0, createdAt: now) }
        let seed = LabSeed(clientName: "Demo Media", clientHourlyPriceCents: 3500, people: people, projects: projects)
        guard try await store.seedIfEmpty(seed) != nil else { return false }
        try await openDemoSkills(store: store, ladder: try? SkillLadder.load(from: LabResources.folder(named: "Tasks")))
        return true
    }

    /// What `annolab demo` prints once the lab is up.
    public static func welcome(url: String, folder: String, seededNow: Bool) -> String {
        var lines = [
            "Annolab demo lab is running at \(url)",
            seededNow ? "A new demo lab was made in \(folder)." : "Serving the lab in \(folder).",
            "Sign in at \(url) with:",
        ]
        for login in logins {
            if let password = login.password {
                lines.append("  \(login.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(login.login) / \(password)")
            } else {
                lines.append("  operator badge \(login.login)")
            }
        }
        lines.append("Projects named \"Real ...\" show real photographs, a LibriVox reading with its subtitles and recorded sounds;")
        lines.append("where each comes from, and its licence, is in Tasks/samples/LICENSES.md.")
        lines.append("Stop with Ctrl-C.")
        return lines.joined(separator: "\n")
    }
}
