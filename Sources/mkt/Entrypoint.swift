import MKTCommands

@main
struct Entrypoint {
    static func main() async {
        await MKT.main(CommandLine.arguments)
    }
}
