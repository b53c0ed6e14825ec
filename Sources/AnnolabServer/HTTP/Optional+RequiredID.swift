// A stored record's id, which is always there once the record was read from the store.
import AnnolabCore

extension Optional where Wrapped == Int64 {
    /// The id of a record read from the store.
    ///
    /// GRDB leaves `id` empty only on a record not yet inserted; one that came from the store
    /// without it is a fault in the lab, answered as an internal failure (500, logged) rather
    /// than ending the whole server as `id!` would.
    ///
    /// ```swift
    /// let projectId = try project.id.required("project")
    /// ```
    func required(_ what: String) throws -> Int64 {
        guard let self else {
            throw LabError(.internalFailure, "record_without_id",
                           "Something went wrong on the server: a \(what) was read without its number. Please try again.")
        }
        return self
    }
}
