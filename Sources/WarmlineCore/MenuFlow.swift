/// The call flow from `Prompts/menu.yaml`: menu nodes, the options that work everywhere, and the language choice.
public struct MenuFlow: Sendable, Equatable {
    /// Prompt ids the engine plays itself, outside any node; every enabled language must have them.
    public static let enginePromptIDs = [
        "balance_is", "balance_unknown", "no_caller_id", "day_pass_offer", "day_pass_granted", "day_pass_requested",
        "day_pass_refused", "day_pass_not_eligible", "day_pass_unknown", "connecting", "still_connecting",
        "silent_prompt", "queue_entered", "queue_position", "queue_still_waiting", "queue_callback_offer",
        "queue_emergency", "callback_readback", "callback_confirmed", "bypass_release", "goodbye",
    ]

    /// File the flow came from.
    public var file: String
    /// Node the call starts in (after the language choice).
    public var startNode: String
    /// Language choice: digit per language, in menu order.
    public var languageDigits: [LanguageDigit]
    /// Prompt each language plays (in that language) during the language choice.
    public var languagePrompt: String
    /// The person option: works in every node, mid-prompt included.
    public var person: EverywhereOption
    /// The emergency option: works in every node and fires the emergency-digit distress signal.
    public var emergency: EverywhereOption
    /// The safety sentence: prompt ids every caller hears in full, in their language, before anything else.
    public var safetyPrompts: [String]
    /// Line of `safety:` in the file.
    public var safetyLine: Int
    /// The keys a caller who cannot speak presses ("55"): works everywhere and hands off as urgent.
    public var silentDigits: String
    /// The language a caller probably speaks, by caller ID prefix (longest prefix wins).
    public var callerIDLanguages: [CallerIDLanguage]
    /// Nodes by name.
    public var nodes: [String: MenuNode]
    /// Node names in file order.
    public var nodeOrder: [String]
    /// Every prompt id the file references, with the line of the reference.
    public var promptReferences: [PromptReference]

    /// Keywords per class, for the speech spotter's keyword list.
    public var keywordsByClass: [KeywordHit.Class: [String]] {
        let menu = nodeOrder.flatMap { nodes[$0]?.options.flatMap(\.keywords) ?? [] }
        var unique: [String] = []
        for word in menu where !unique.contains(word) { unique.append(word) }
        return [.person: person.keywords, .distress: emergency.keywords, .menu: unique]
    }
}

/// A caller ID prefix (country code) and the language its callers probably speak.
public struct CallerIDLanguage: Sendable, Equatable {
    /// Prefix of the caller ID, e.g. "+380".
    public var prefix: String
    /// Language code.
    public var language: String
}

/// The digit that picks one language.
public struct LanguageDigit: Sendable, Equatable {
    /// Language code.
    public var language: String
    /// Digit that picks it.
    public var digit: Character
}

/// An option that works in every node.
public struct EverywhereOption: Sendable, Equatable {
    /// Its digit.
    public var digit: Character
    /// Its spoken keywords.
    public var keywords: [String]
}

/// A prompt id used by the flow file.
public struct PromptReference: Sendable, Equatable {
    /// Prompt id.
    public var promptID: String
    /// Line of the reference.
    public var line: Int
}

/// One menu: its prompts (FreeSWITCH's greet-long, greet-short, invalid, timeout, exit), limits and options.
public struct MenuNode: Sendable, Equatable {
    /// Node name.
    public var name: String
    /// Line of the node in the file.
    public var line: Int
    /// Played on first entry.
    public var greetLong: [String]
    /// Played on re-entry, after an invalid input or a timeout.
    public var greetShort: [String]
    /// Played after an invalid input.
    public var invalidSound: [String]
    /// Played after a timeout.
    public var timeoutSound: [String]
    /// Played when failures or timeouts run out, before `onExhausted`.
    public var exitSound: [String]
    /// Wait this long for the first digit after the prompt.
    public var timeoutMs: Int
    /// Wait this long between digits of a multi-digit option.
    public var interDigitTimeoutMs: Int
    /// Invalid inputs allowed before `onExhausted`.
    public var maxFailures: Int
    /// Timeouts allowed before `onExhausted`.
    public var maxTimeouts: Int
    /// Where to go when failures or timeouts run out: a person, or a node that reaches one.
    public var onExhausted: MenuAction
    /// Line of `on_exhausted` (or of the node when defaulted).
    public var onExhaustedLine: Int
    /// The options.
    public var options: [MenuOption]
}

/// One option of a node: digits and/or keywords, and what to do.
public struct MenuOption: Sendable, Equatable {
    /// Digits that pick it (usually one); nil when only spoken.
    public var digits: String?
    /// Spoken keywords that pick it.
    public var keywords: [String]
    /// What it does.
    public var action: MenuAction
    /// Line of the option in the file.
    public var line: Int
}

/// What an option does.
public enum MenuAction: Sendable, Equatable {
    /// Hand the caller to a person.
    case handoff
    /// Read the balance, then go to the node.
    case balance(next: String)
    /// Run the emergency day pass dialogue, then go to the node.
    case dayPass(next: String)
    /// Go to another node.
    case goto(String)
    /// Go back to the language choice.
    case language
    /// Take a callback request.
    case callback
    /// Say goodbye and hang up.
    case hangup

    /// The node this action leads to, if any.
    var nextNode: String? {
        switch self {
        case .balance(let next), .dayPass(let next), .goto(let next): next
        case .handoff, .language, .callback, .hangup: nil
        }
    }
}
