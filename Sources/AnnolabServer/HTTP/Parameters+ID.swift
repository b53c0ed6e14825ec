// A record's id taken from the request path, such as the `{id}` in `/api/v1/assignments/{id}/skip`.
import AnnolabCore
import Hummingbird

extension Parameters {
    /// The id in the path parameter `name`, read through Hummingbird's own `require(_:as:)`.
    ///
    /// Hummingbird answers an id that is not a whole number with 400; the lab answers it with
    /// `notFound`, the same reply as an id that names nothing, so that a script learns one
    /// thing: there is no such record.
    ///
    /// ```swift
    /// let id = try context.parameters.requireID(else: LabError(.notFound, "message_not_found", "There is no such message for you."))
    /// ```
    func requireID(_ name: String = "id", else notFound: @autoclosure () -> LabError) throws -> Int64 {
        do {
            return try require(name, as: Int64.self)
        } catch {
            throw notFound()
        }
    }
}
