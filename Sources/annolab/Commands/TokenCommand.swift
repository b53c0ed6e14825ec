// `annolab token create`: a bearer token for scripts.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Manage API tokens for scripts.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new bearer token for a user (send it as 'Authorization: Bearer TOKEN')."
        )

        @Option(help: "The data folder.")
        var data: String

        @Option(help: "The user id the token acts for.")
        var user: Int64

        @Option(help: "A note on what the token is for.")
        var label: String?

        func run() async throws {
            let store = try LabStore(folder: URL(fileURLWithPath: data))
            guard try await store.user(id: user) != nil else {
                throw CommandFailure(description: "There is no user with id \(user).")
            }
            print(try await AccountService(store: store).createApiToken(userId: user, label: label))
        }
    }
}
