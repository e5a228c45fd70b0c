import MigrationCLI

CommandRunner.main(VerifyCommand.self)
