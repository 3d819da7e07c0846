import CALSA

/// ALSA configuration text laid over the system configuration, so tests and the demo define their
/// own PCMs (file, null, pulse) without touching `/etc` or the environment.
// @unchecked: `root` is a C `snd_config_t` tree the compiler cannot see into. It is built in init, never changed
// after (alsa-lib only searches it in `snd_pcm_open_lconf`, expanding a copy of the PCM's definition) and freed in
// deinit, so every line may open its PCMs over one overlay. No lock is needed: there is no mutable state to guard.
public final class ALSAConfigOverlay: @unchecked Sendable {
    let root: OpaquePointer
    /// The text that was laid over the system configuration.
    public let text: String

    /// Parses `text` (asoundrc syntax) on top of a copy of the system configuration.
    public init(_ text: String) throws {
        var global: OpaquePointer?
        var err = snd_config_update_ref(&global)
        guard err >= 0, let global else {
            throw ALSAError(device: "(config)", stream: "config", reason: "cannot load the system ALSA configuration", code: err)
        }
        defer { snd_config_unref(global) }
        var copy: OpaquePointer?
        err = snd_config_copy(&copy, global)
        guard err >= 0, let copy else {
            throw ALSAError(device: "(config)", stream: "config", reason: "cannot copy the ALSA configuration", code: err)
        }
        var input: OpaquePointer?
        err = text.withCString { snd_input_buffer_open(&input, $0, -1) }
        guard err >= 0, let input else {
            snd_config_delete(copy)
            throw ALSAError(device: "(config)", stream: "config", reason: "cannot read the configuration text", code: err)
        }
        err = snd_config_load(copy, input)
        snd_input_close(input)
        guard err >= 0 else {
            snd_config_delete(copy)
            throw ALSAError(device: "(config)", stream: "config", reason: "configuration text does not parse:\n\(text)", code: err)
        }
        self.root = copy
        self.text = text
    }

    deinit { snd_config_delete(root) }

    /// A capture PCM named `name` that reads raw S16 audio from `path` (a file or a FIFO fed whole periods).
    public static func fileCapture(name: String, rawInput path: String) -> String {
        "pcm.\(name) { type file slave.pcm { type null } file \"/dev/null\" infile \"\(path)\" format \"raw\" }\n"
    }

    /// A playback PCM named `name` that writes what is played to `path` as a WAV file.
    public static func filePlayback(name: String, wavOutput path: String) -> String {
        "pcm.\(name) { type file slave.pcm { type null } file \"\(path)\" format \"wav\" }\n"
    }

    /// A PCM named `name` on a PulseAudio server socket, playing to a sink or recording from a source (`device`);
    /// `handle_underrun` makes the plugin report underruns as xruns instead of hiding them.
    public static func pulse(name: String, server: String, device: String) -> String {
        "pcm.\(name) { type pulse server \"\(server)\" device \"\(device)\" handle_underrun true }\n"
    }
}
