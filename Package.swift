// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Warmline",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "warmline", targets: ["warmline"]),
        .executable(name: "warmline-bench", targets: ["warmline-bench"]),
        .executable(name: "warmline-recognizer", targets: ["warmline-recognizer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // System libraries (Debian -dev packages, installed by `make deps`).
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        // Compiled against the real headers, linking libpocketsphinx and libsphinxbase only (pkg-config would add
        // libsphinxad and its PulseAudio/X11 tree, ~4 MB resident per process for a library never called).
        .target(name: "CPocketSphinx",
                cSettings: [.unsafeFlags(["-I/usr/include/pocketsphinx"])],
                linkerSettings: [.linkedLibrary("pocketsphinx"), .linkedLibrary("sphinxbase")]),

        // Moonshine's ONNX models through ONNX Runtime's C API, the runtime opened with dlopen (no link-time dependency).
        .target(name: "CMoonshineRuntime", linkerSettings: [.linkedLibrary("dl")]),

        // Pure layers: no C library, no Foundation I/O.
        .target(name: "WarmlineDSP"),
        // Untrusted text: the one terminal sanitiser and the E.164 caller ID normaliser (no dependencies at all).
        .target(name: "WarmlineText"),
        // The one YAML reader (limits, lines, parser errors) and the one located error type ("file:line: reason").
        .target(name: "WarmlineConfig", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "WarmlineCore", dependencies: ["WarmlineText", "WarmlineConfig"]),

        // Platform edge.
        .target(name: "WarmlineStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                                                     .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "WarmlineAudio", dependencies: ["CALSA", "WarmlineDSP", "WarmlineCore", "WarmlineConfig",
                                                     .product(name: "Subprocess", package: "swift-subprocess")]),
        .target(name: "WarmlineBoard", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "WarmlineSpeech", dependencies: ["CPocketSphinx", "CMoonshineRuntime", "WarmlineDSP", "WarmlineCore", "WarmlineConfig"]),
        .target(name: "WarmlineUnit", dependencies: [
            "WarmlineDSP", "WarmlineCore", "WarmlineStore", "WarmlineAudio", "WarmlineBoard", "WarmlineSpeech", "WarmlineConfig",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // The supervisor's dashboard and the fleet's /metrics (Hummingbird, swift-prometheus): read-only over the store.
        .target(name: "WarmlineWeb", dependencies: [
            "WarmlineStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The billing sync: the outbox POSTed to the billing endpoint (async-http-client), a Service the runtime runs.
        .target(name: "WarmlineBilling", dependencies: [
            "WarmlineStore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Harness, apart from the product: no product library imports these (`make lint` checks it).
        // The emulated board, PulseAudio, scripted and real-time callers, the demo session: `warmline demo`, the bench and the tests.
        .target(name: "WarmlineSimulation", dependencies: ["WarmlineDSP", "WarmlineText", "WarmlineCore", "WarmlineStore", "WarmlineAudio", "WarmlineUnit"]),
        // Test-only: the store's crash and disk-full drills (the store tests, their child process and the bench run them).
        .target(name: "WarmlineTestSupport", dependencies: ["WarmlineDSP", "WarmlineStore", .product(name: "GRDB", package: "GRDB.swift")]),

        // Executables: thin layers over the libraries (`warmline` imports WarmlineSimulation for `warmline demo` only).
        .executableTarget(name: "warmline", dependencies: [
            "WarmlineDSP", "WarmlineCore", "WarmlineStore", "WarmlineAudio", "WarmlineBoard", "WarmlineSpeech", "WarmlineUnit", "WarmlineText",
            "WarmlineWeb", "WarmlineBilling",
            "WarmlineSimulation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group", "-lFoundation", "-lFoundationInternationalization",
                                          "-lFoundationEssentials", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                                          "-l_FoundationCollections", "-Xlinker", "--end-group"])]),
        .executableTarget(name: "warmline-bench", dependencies: [
            "WarmlineDSP", "WarmlineCore", "WarmlineStore", "WarmlineAudio", "WarmlineBoard", "WarmlineSpeech", "WarmlineUnit", "CSpanDSP",
            "WarmlineSimulation", "WarmlineTestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // The drills' child process.
        .executableTarget(name: "warmline-store-stress", dependencies: ["WarmlineTestSupport"]),
        // Moonshine in its own process, shared by all lines: ONNX Runtime's memory and crashes stay out of the unit.
        .executableTarget(name: "warmline-recognizer", dependencies: ["WarmlineSpeech"]),

        // Test-only: the traits that put the tests that hold their thread and the end-to-end lanes on pools of their own.
        .target(name: "WarmlineTestScheduling", path: "Tests/WarmlineTestScheduling"),
        .testTarget(name: "WarmlineDSPTests", dependencies: ["WarmlineDSP", "WarmlineTestScheduling"]),
        .testTarget(name: "WarmlineConfigTests", dependencies: ["WarmlineConfig"]),
        .testTarget(name: "WarmlineCoreTests", dependencies: ["WarmlineCore", "WarmlineAudio", "WarmlineText", "WarmlineDSP"]),  // Audio: real prompt durations for the scenarios; DSP: the seeded generator
        .testTarget(name: "WarmlineStoreTests", dependencies: ["WarmlineStore", "WarmlineTestSupport", "WarmlineDSP", "WarmlineTestScheduling"]),
        .testTarget(name: "WarmlineAudioTests", dependencies: ["WarmlineAudio", "WarmlineCore", "WarmlineDSP", "WarmlineSimulation", "WarmlineTestScheduling"]),
        // Test-only: the real firmware core and the emulator's phone network in-process, on the test's millisecond clock.
        .target(name: "CFirmwareSim", path: ".",
                sources: ["Firmware/core/crc16.c", "Firmware/core/cobs.c", "Firmware/core/frame.c", "Firmware/core/link.c",
                          "Firmware/core/line.c", "Firmware/core/board.c", "Firmware/hal/host/network_sim.c",
                          "Tests/CFirmwareSim/FirmwareSim.c"],
                publicHeadersPath: "Tests/CFirmwareSim/include"),
        .testTarget(name: "WarmlineBoardTests", dependencies: ["WarmlineBoard", "CFirmwareSim"]),
        .testTarget(name: "WarmlineSpeechTests", dependencies: ["WarmlineSpeech", "WarmlineDSP", "WarmlineCore", "WarmlineAudio", "WarmlineTestSupport", "WarmlineTestScheduling"]),
        .testTarget(name: "WarmlineUnitTests", dependencies: ["WarmlineUnit", "WarmlineCore", "WarmlineTestScheduling"]),
        .testTarget(name: "EndToEndTests", dependencies: ["WarmlineUnit", "WarmlineStore", "WarmlineAudio", "WarmlineBoard", "WarmlineDSP", "WarmlineCore",
                                                   "WarmlineSimulation", "WarmlineTestSupport", "WarmlineTestScheduling"]),
        // The dashboard in a real headless Chromium, /metrics through promtool and a real prometheus, the billing sync over real HTTP.
        .testTarget(name: "WarmlineWebTests", dependencies: ["WarmlineWeb", "WarmlineBilling", "WarmlineStore", "WarmlineUnit", "WarmlineCore",
                                                     .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                     .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                                                     .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    ]
)
