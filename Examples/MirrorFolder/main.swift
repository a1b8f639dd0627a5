// Copies the files of one server folder into a local folder on 4 sessions at once, with one line of progress.
// Usage: mirror-folder HOST PORT USER PASSWORD REMOTE-FOLDER LOCAL-FOLDER
// Only FerryClient is imported: this is what a program of yours needs.
import FerryClient
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 7, let port = UInt16(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: mirror-folder HOST PORT USER PASSWORD REMOTE-FOLDER LOCAL-FOLDER\n".utf8))
    exit(2)
}
let (host, user, password, remoteFolder, localFolder) = (arguments[1], arguments[3], arguments[4], arguments[5], arguments[6])

func mirror() async throws -> Int32 {
    let ftp = FTPConnection()
    try await ftp.connect(host: host, port: port)
    try await ftp.login(user: user, password: password)
    try await ftp.changeDirectory(remoteFolder)
    try FileManager.default.createDirectory(atPath: localFolder, withIntermediateDirectories: true)

    // The folder's files, as the listing arrives (MLSD or LIST, parsed by Ferry).
    var items: [TransferJob.Item] = []
    for try await entry in ftp.entries() where entry.kind == .file {
        var item = TransferJob.Item(.download, remote: entry.name, local: localFolder + "/" + entry.name, size: entry.size)
        item.modified = entry.modified
        items.append(item)
    }

    var policy = TransferJob.Policy()
    policy.parallel = 4
    policy.preservesTimes = true
    let run = ftp.start(TransferJob(items, policy: policy))
    var done = 0
    for await event in run.events {
        if case .pool(.finished(let index, let result)) = event {
            done += 1
            if case .failure(let error) = result { print("\(items[index].remote): \(error.message)") }
            print("\r\(done)/\(items.count) files", terminator: "")
        }
    }
    print()
    let failed = await run.results().filter { if case .failure = $0 { true } else { false } }.count
    await ftp.quit()
    print("\(items.count - failed) of \(items.count) files copied")
    return failed == 0 ? 0 : 1
}

do {
    exit(try await mirror())
} catch {
    FileHandle.standardError.write(Data("mirror-folder: \((error as? FTPError)?.message ?? "\(error)")\n".utf8))
    exit(1)
}
