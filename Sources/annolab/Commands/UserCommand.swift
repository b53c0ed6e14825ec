// `annolab user add`: adds a person to the lab and prints them as JSON.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people in the lab.",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person. Prints one JSON object: id, role, and the badge for operators."
        )

        @Option(help: "The data folder.")
        var data: String

        @Option(help: "operator, coach, client or admin.")
        var role: String

        @Option(help: "The person's name.")
        var name: String

        @Option(help: "Email address (coach, client, admin).")
        var email: String?

        @Option(help: "Password (coach, client, admin); at least 8 characters.")
        var password: String?

        @Option(help: "The coach's user id (operators).")
        var coach: Int64?

        @Option(help: "Birth date YYYY-MM-DD (operators; decides the minimum wage bracket).")
        var birthdate: String?

        @Option(help: "A badge code to give this operator instead of a generated one.")
        var badge: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CommandFailure(description: "The role '\(self.role)' is not known. Use operator, coach, client or admin.")
            }
            let store = try LabStore(folder: URL(fileURLWithPath: data))
            let user = try await AccountService(store: store).addUser(
                role: role, name: name, email: email, password: password, badge: badge,
                coachId: coach, birthdate: birthdate)
            var object: [String: Any] = ["id": user.id!, "role": user.role.rawValue, "name": user.name]
            if let badge = user.badge { object["badge"] = badge }
            if let email = user.email { object["email"] = email }
            let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        }
    }
}
