// The four kinds of people who use the lab.

/// What a signed-in person may do in the lab.
///
/// ```swift
/// let role = Role(rawValue: "coach")   // .coach
/// ```
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Does microtasks in shifts of work and pause blocks.
    case `operator`
    /// Supervises a group of operators: load, breaks, profiles.
    case coach
    /// A media company: projects, datasets, results.
    case client
    /// Runs the lab: users, rates, the wage table.
    case admin
}
