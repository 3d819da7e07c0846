import ArgumentParser

/// `warmline demo`: the main job on built-in defaults (wired end to end by the unit issue).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scripted callers through an emulated board and print a live transcript.")

    func run() async throws {
        print("""
        warmline demo — what it will do once the unit is wired (issue: the unit end to end):
          1. start the line-interface firmware emulator on a pty (Firmware/hal/host)
          2. render the prompts with espeak-ng (en, uk, tr) into the prompt cache
          3. start Warmline on two lines through libasound2 (file plugin / PulseAudio null sink)
          4. play scripted callers: balance check, zero-balance day pass, "help me please",
             frantic key presses, early hang-up
          5. print a live transcript per line, then `warmline report` for the session
        """)
    }
}
