// AnnolabCore's fixed-value types as database values: each stored in its column as its raw value.
import AnnolabCore
import GRDB

// Core knows nothing of SQL, so the store says how its enums are stored. Each of these is the
// whole set of values of a column (the CHECKs in ``Schema`` list the same spellings), so a query
// compares the column with a case, never with its spelling:
//
//     User.filter(User.Columns.role == Role.coach)
//     StoredSegment.filter(StoredSegment.Columns.kind == TimeSegment.Kind.extraPause)

/// `user.role`: operator, coach, client or admin.
extension Role: DatabaseValueConvertible {}

/// `microtask.kind` and `project.template`: the task template's name.
extension TaskKind: DatabaseValueConvertible {}

/// `timeSegment.kind`: work, pause, extraPause or waiting.
extension TimeSegment.Kind: DatabaseValueConvertible {}

/// `shift.endReason`: why a shift ended (no CHECK; only these are written).
extension ShiftEndReason: DatabaseValueConvertible {}
