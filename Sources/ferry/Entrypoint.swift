import FerryShell
#if canImport(Glibc)
import Glibc
#endif

@main
struct Entrypoint {
    static func main() {
        exit(FerryMain.run(Array(CommandLine.arguments.dropFirst())))
    }
}
