/// Namespace for the WarmlineSpeech module.
public enum WarmlineSpeech {}
