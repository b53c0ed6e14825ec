// `annolab user add` and `annolab user disable`: the people in the lab, printed as JSON.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the people in the lab.",
        subcommands: [Add.self, Disable.self]
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

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a person's account: no more sign-ins; every session and API token of theirs is deleted.",
            discussion: """
                Prints one JSON object: id, role, name and disabledAt. A lab server running on the same \
                data folder keeps a checked token for up to 30 seconds, so there the change takes \
                effect within 30 seconds. An operator's open shift stays open until its planned \
                end. To end everything at once, disable the account in the running lab instead: \
                on the admin page, or with POST /api/v1/admin/users/ID/disable.
                """
        )

        @Option(help: "The data folder.")
        var data: String

        @Option(help: "The person's user id (see GET /api/v1/admin/users).")
        var id: Int64

        func run() async throws {
            let folder = URL(fileURLWithPath: data)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("annolab.sqlite").path) else {
                throw CommandFailure(description: "There is no lab in \(data).")
            }
            let store = try LabStore(folder: folder)
            let disabled: LabStore.Disabled
            do {
                disabled = try await AccountService(store: store).disable(userId: id, actor: nil)
            } catch let error as LabError {
                throw CommandFailure(description: error.message)
            }
            let user = disabled.user
            if user.role == .operator, try await store.operatorsWithOpenShifts().contains(id) {
                FileHandle.standardError.write(Data("""
                    \(user.name)'s shift is still open. It ends at its planned time; to end it now, \
                    their coach ends it, or an admin disables the account in the running lab.

                    """.utf8))
            }
            let object: [String: Any] = ["id": user.id!, "role": user.role.rawValue, "name": user.name,
                                         "disabledAt": ISO8601DateFormatter().string(from: user.disabledAt ?? Date())]
            let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        }
    }
}
