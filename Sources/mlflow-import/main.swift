import MigrationCLI

CommandRunner.main(ImportCommand.self)
