import FerryCore

/// The one error type of FerryClient: a stable code, a one-line message that says what to do,
/// and the server's reply when there was one.
public struct FTPError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure an error is: a stable, machine-readable name ("timed-out").
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The server could not be reached or the name not resolved.
        public static let connectionFailed = Code(rawValue: "connection-failed")
        /// A wait ran past its timeout.
        public static let timedOut = Code(rawValue: "timed-out")
        /// The server closed the control connection (EOF, reset or 421).
        public static let connectionClosed = Code(rawValue: "connection-closed")
        /// USER/PASS/ACCT was refused.
        public static let loginFailed = Code(rawValue: "login-failed")
        /// The server refused a command with a 4yz/5yz reply.
        public static let commandFailed = Code(rawValue: "command-failed")
        /// The server's bytes were not FTP (bad reply, bad address).
        public static let protocolViolation = Code(rawValue: "protocol-violation")
        /// No data connection could be made in any mode.
        public static let dataConnectionFailed = Code(rawValue: "data-connection-failed")
        /// A transfer ended early or the server did not confirm it.
        public static let transferIncomplete = Code(rawValue: "transfer-incomplete")
        /// The file arrived whole but its checksum differs from the server's: worth downloading again from byte 0.
        public static let checksumMismatch = Code(rawValue: "checksum-mismatch")
        /// A local file could not be read or written.
        public static let localFile = Code(rawValue: "local-file")
        /// A local file shrank while it was sent: what the server got is no copy of it.
        public static let localFileChanged = Code(rawValue: "local-file-changed")
        /// There is no connection to use.
        public static let notConnected = Code(rawValue: "not-connected")
        /// An argument cannot be sent (CR/LF inside it, empty name).
        public static let invalidArgument = Code(rawValue: "invalid-argument")
        /// The user interrupted the operation.
        public static let interrupted = Code(rawValue: "interrupted")
        /// The server ended a listing with 2yz but said it sent less than the whole folder (a cap on entries):
        /// nothing may be concluded from a name's absence in it.
        public static let listingIncomplete = Code(rawValue: "listing-incomplete")
        /// The local disk (or the user's quota) is full: every later file of a job would fail alike.
        public static let diskFull = Code(rawValue: "disk-full")
    }

    /// What the user can do about it, as a fact; the shell words it in its own vocabulary (house rule: FerryClient
    /// knows no shell command names or flags).
    public enum Advice: Sendable, Equatable {
        /// The session is gone: connect again.
        case reconnect
        /// Another data-connection mode (or no EPSV/EPRT) may work.
        case switchDataMode
        /// The certificate can be trusted with a CA file, interactively, or checks skipped.
        case trustCertificate
        /// TLS was required and refused: connect without it if clear text is acceptable.
        case withoutTLS
        /// Only a TLS session can do this.
        case withTLS
        /// The partial file is kept; it can be continued.
        case resumeLater
        /// An interrupted segmented download can be continued by running it again.
        case continueSegmented
        /// A fresh download (not a continuation) is what can help.
        case downloadAgain
        /// Replacing the remote file (not continuing it) is what can help.
        case uploadAgain
        /// A system library (OpenSSL 3) is missing: installing it is what can help.
        case installOpenSSL
        /// The server caps its listings: its limit must be raised, or smaller folders listed.
        case raiseListingLimit
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line that says what went wrong and what to do.
    public let message: String
    /// The server's reply that caused the error, when there was one.
    public let reply: Reply?
    /// What the user can do about it, when there is something.
    public let advice: Advice?
    /// The connection was refused (a reset answered it): nothing listens there, or a filter rejects it.
    public internal(set) var refusedConnection = false

    /// Creates an error from a code, a message, and optionally the server's reply and advice.
    public init(_ code: Code, _ message: String, reply: Reply? = nil, advice: Advice? = nil) {
        self.code = code
        self.message = message
        self.reply = reply
        self.advice = advice
    }

    public var description: String { message }

    /// A failed write to a local file: `.diskFull` when the disk or the quota is full, else `.localFile`.
    public static func localWrite(_ number: Int32) -> FTPError {
        if number == ENOSPC || number == EDQUOT {
            return FTPError(.diskFull, "the local disk is full (\(systemMessage(number))); free some space")
        }
        return FTPError(.localFile, "cannot write the local file: \(systemMessage(number))")
    }

    /// The errno text of a failed system call.
    public static func systemMessage(_ error: Int32) -> String { String(cString: strerror(error)) }
}

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
