import MigrationCLI

CommandRunner.main(VerifyCommand.self, exitCode: { _ in 2 })
