// Recognises a failure of the disk under the lab (full, or failing to write), wherever it surfaced.
import AnnolabCore
import Foundation
import GRDB

/// Tells the server which errors mean "the disk cannot take more now", so that it answers
/// 503 in plain words instead of a generic failure. Nothing is acknowledged that was not stored:
/// SQLite rolls the transaction back, and a media file is written before its row.
public enum StorageFailure {
    public enum Cause: Sendable, Equatable {
        /// No space left (SQLite's SQLITE_FULL, or ENOSPC from a file write).
        case full
        /// The disk refused a write or a sync for another reason.
        case writeFailed
    }

    /// The error a person or script is given for the cause: 503, nothing stored, try again later.
    public static func labError(_ cause: Cause) -> LabError {
        switch cause {
        case .full:
            LabError(.unavailable, .storageFull,
                     "The lab's disk is full, so this could not be saved. Nothing you did before is lost. Please tell the lab's administrator, and try again later.")
        case .writeFailed:
            LabError(.unavailable, "storage_failure",
                     "The lab could not write to its disk, so this could not be saved. Nothing you did before is lost. Please try again later.")
        }
    }

    public static func cause(of error: any Error) -> Cause? {
        if let database = error as? DatabaseError {
            switch database.resultCode {
            case .SQLITE_FULL: return .full
            case .SQLITE_IOERR: return .writeFailed
            default: return nil
            }
        }
        if let posix = error as? POSIXError {
            return posix.code == .ENOSPC || posix.code == .EDQUOT ? .full : nil
        }
        if let cocoa = error as? CocoaError {
            if cocoa.code == .fileWriteOutOfSpace { return .full }
            if let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? any Error { return cause(of: underlying) }
            return nil
        }
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain, bridged.code == Int(ENOSPC) || bridged.code == Int(EDQUOT) { return .full }
        if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? any Error { return cause(of: underlying) }
        return nil
    }
}
