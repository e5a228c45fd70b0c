import MigrationCLI

CommandRunner.main(ExportCommand.self)
