// Sample subtitles with known mistakes, a matching programme sound, and tagged test sounds.

import AnnolabCore
import Foundation

extension SampleMedia {
    static let programmeRate = 16_000
    static let soundRate = 16_000

    /// Twelve cues of a short news bulletin. Four are wrong on purpose: a misspelling (4), a
    /// wrong word (10), a cue shown almost 3 s after it is said (6), and a cue that leaves out
    /// the second sentence the presenter says (8).
    public static let newsCues: [Cue] = {
        // (text shown, text spoken, speech start, speech end, shown start, shown end, verdict)
        let lines: [(String, String, Double, Double, Double, Double, String)] = [
            ("Goedenavond, welkom bij het Journaal.", "Goedenavond, welkom bij het Journaal.", 1.0, 3.5, 1.0, 3.8, "correct"),
            ("Het is vandaag erg druk op de weg.", "Het is vandaag erg druk op de weg.", 5.0, 7.5, 5.0, 7.8, "correct"),
            ("Bij Utrecht stond een file van twintig kilometer.", "Bij Utrecht stond een file van twintig kilometer.", 9.0, 12.0, 9.0, 12.3, "correct"),
            ("De politie vraagt autmobilisten om rustig te rijden.", "De politie vraagt automobilisten om rustig te rijden.", 13.5, 16.5, 13.5, 16.8, "text-error"),
            ("In Den Haag praat het kabinet over de zorg.", "In Den Haag praat het kabinet over de zorg.", 18.0, 20.5, 18.0, 20.8, "correct"),
            ("De minister wil meer geld voor de thuiszorg.", "De minister wil meer geld voor de thuiszorg.", 22.0, 24.5, 24.9, 27.4, "timing-error"),
            ("Volgens de oppositie is dat niet genoeg.", "Volgens de oppositie is dat niet genoeg.", 28.0, 30.5, 28.0, 30.8, "correct"),
            ("Morgen is het eerst zonnig.", "Morgen is het eerst zonnig. Later op de dag gaat het regenen.", 32.0, 36.5, 32.0, 34.5, "missing-speech"),
            ("In het zuiden kan het flink onweren.", "In het zuiden kan het flink onweren.", 38.0, 40.5, 38.0, 40.8, "correct"),
            ("Het wordt morgen ongeveer dertig graden.", "Het wordt morgen ongeveer twintig graden.", 42.0, 44.5, 42.0, 44.8, "text-error"),
            ("Het sportnieuws komt zo meteen.", "Het sportnieuws komt zo meteen.", 46.0, 48.0, 46.0, 48.3, "correct"),
            ("Dat was het Journaal. Fijne avond verder.", "Dat was het Journaal. Fijne avond verder.", 50.0, 53.0, 50.0, 53.3, "correct"),
        ]
        return lines.enumerated().map { index, line in
            Cue(index: index + 1, start: line.4, end: line.5, text: line.0, spoken: line.1,
                speechStart: line.2, speechEnd: line.3, verdict: line.6)
        }
    }()

    /// The SRT text of the cues (CRLF line ends, as most subtitle tools write).
    static func srt(_ cues: [Cue]) -> String {
        func time(_ seconds: Double) -> String {
            let ms = Int((seconds * 1000).rounded())
            return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
        }
        return cues.map { "\($0.index)\r\n\(time($0.start)) --> \(time($0.end))\r\n\($0.text)\r\n" }
            .joined(separator: "\r\n")
    }

    /// The programme's sound: a voice-like hum (a 140 Hz buzz with harmonics, pulsing at the
    /// pace of syllables) wherever someone speaks, quiet room tone in between.
    static func programme(_ cues: [Cue]) -> [Float] {
        let seconds = (cues.map(\.speechEnd).max() ?? 0) + 2
        var samples = [Float](repeating: 0, count: Int(seconds * Double(programmeRate)))
        var random = SplitMix64(seed: 42)
        for i in samples.indices { samples[i] = Float(random.signedUnit() * 0.003) }
        for cue in cues {
            let from = Int(cue.speechStart * Double(programmeRate)), to = Int(cue.speechEnd * Double(programmeRate))
            let pitch = 120 + Double(cue.index % 4) * 15
            for i in from..<min(to, samples.count) {
                let t = Double(i) / Double(programmeRate)
                let local = t - cue.speechStart
                let syllables = abs(sin(.pi * 4 * local))  // about 8 syllables a second
                var voice = 0.0
                for harmonic in 1...5 { voice += sin(2 * .pi * pitch * Double(harmonic) * t) / Double(harmonic) }
                let fade = min(1, local / 0.05, (cue.speechEnd - t) / 0.05)
                samples[i] += Float(0.25 * voice * syllables * fade)
            }
        }
        return samples
    }

    /// A sample sound in memory, with its right tags per stretch.
    struct SoundSample {
        var file: String
        var samples: [Float]
        var parts: [SoundPart]
    }

    /// Tones, noise, silence and a 40 s mix with known tags for audio-tags.
    static func soundSamples() -> [SoundSample] {
        let rate = Double(soundRate)
        func tone(_ frequency: Double, seconds: Double, amplitude: Double = 0.25) -> [Float] {
            (0..<Int(seconds * rate)).map { Float(amplitude * sin(2 * .pi * frequency * Double($0) / rate)) }
        }
        func noise(seconds: Double, amplitude: Double, seed: UInt64) -> [Float] {
            var random = SplitMix64(seed: seed)
            return (0..<Int(seconds * rate)).map { _ in Float(amplitude * random.signedUnit()) }
        }
        /// A C major chord whose loudness pulses twice a second: "music" to a listener.
        func music(seconds: Double) -> [Float] {
            (0..<Int(seconds * rate)).map { i in
                let t = Double(i) / rate
                let beat = 0.6 + 0.4 * abs(cos(.pi * 2 * t))
                let chord = sin(2 * .pi * 261.63 * t) + sin(2 * .pi * 329.63 * t) + sin(2 * .pi * 392.0 * t)
                return Float(0.12 * beat * chord)
            }
        }
        func silence(seconds: Double) -> [Float] { [Float](repeating: 0, count: Int(seconds * rate)) }

        var mix = music(seconds: 10) + noise(seconds: 10, amplitude: 0.2, seed: 8) + silence(seconds: 10)
        let tail = music(seconds: 10)
        let hiss = noise(seconds: 10, amplitude: 0.08, seed: 9)
        mix += zip(tail, hiss).map { $0 + $1 }

        return [
            SoundSample(file: "tone-440.wav", samples: tone(440, seconds: 5), parts: [SoundPart(start: 0, end: 5, tags: ["music"])]),
            SoundSample(file: "tones.wav", samples: [220.0, 440, 880, 1760].flatMap { tone($0, seconds: 2) },
                        parts: [SoundPart(start: 0, end: 8, tags: ["music"])]),
            SoundSample(file: "white-noise.wav", samples: noise(seconds: 5, amplitude: 0.2, seed: 7),
                        parts: [SoundPart(start: 0, end: 5, tags: ["noise"])]),
            SoundSample(file: "silence.wav", samples: silence(seconds: 5), parts: [SoundPart(start: 0, end: 5, tags: ["silence"])]),
            SoundSample(file: "mix.wav", samples: mix, parts: [
                SoundPart(start: 0, end: 10, tags: ["music"]),
                SoundPart(start: 10, end: 20, tags: ["noise"]),
                SoundPart(start: 20, end: 30, tags: ["silence"]),
                SoundPart(start: 30, end: 40, tags: ["music", "noise"]),
            ]),
        ]
    }
}

/// Writes mono 16-bit PCM WAV files.
enum SampleWaveWriter {
    static func pcm16(_ samples: [Float], sampleRate: Int) -> Data {
        var data = Data()
        data.reserveCapacity(44 + samples.count * 2)
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let bytes = UInt32(samples.count * 2)
        data.append(contentsOf: Array("RIFF".utf8)); u32(36 + bytes)
        data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); u32(16)
        u16(1); u16(1); u32(UInt32(sampleRate)); u32(UInt32(sampleRate * 2)); u16(2); u16(16)
        data.append(contentsOf: Array("data".utf8)); u32(bytes)
        for sample in samples {
            let clamped = max(-1, min(1, sample))
            u16(UInt16(bitPattern: Int16((clamped * 32767).rounded())))
        }
        return data
    }
}

/// Spoken sample files through espeak-ng, when it is installed.
enum SampleSpeech {
    static let rate = 22_050  // espeak-ng's own output rate

    /// The path of `espeak-ng` on PATH, if any.
    static func espeakPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/espeak-ng"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A Dutch WAV of `text` as espeak-ng writes it, or nil when espeak-ng fails.
    static func render(_ text: String, espeak: String) -> Data? {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: espeak)
        process.arguments = ["-v", "nl", "--stdout", text]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.count > 44 else { return nil }
        return data
    }

    /// The 16-bit samples of an espeak-ng WAV (which streams with an unknown data length).
    static func samples(ofWave data: Data) -> [Float]? {
        let bytes = [UInt8](data)
        guard bytes.count > 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else { return nil }
        var position = 12
        while position + 8 <= bytes.count {
            let id = String(decoding: bytes[position..<(position + 4)], as: UTF8.self)
            let size = Int(UInt32(bytes[position + 4]) | UInt32(bytes[position + 5]) << 8
                           | UInt32(bytes[position + 6]) << 16 | UInt32(bytes[position + 7]) << 24)
            let body = position + 8
            if id == "data" {
                var result: [Float] = []
                var i = body
                while i + 1 < bytes.count {
                    result.append(Float(Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)) / 32768)
                    i += 2
                }
                return result
            }
            position = body + size + (size & 1)
        }
        return nil
    }

    /// The news bulletin read aloud: each cue's spoken text placed at its speech start.
    static func programme(_ cues: [SampleMedia.Cue], espeak: String) -> Data? {
        let seconds = (cues.map(\.speechEnd).max() ?? 0) + 4
        var timeline = [Float](repeating: 0, count: Int(seconds * Double(rate)))
        for (n, cue) in cues.enumerated() {
            guard let wav = render(cue.spoken, espeak: espeak), let voice = samples(ofWave: wav) else { return nil }
            let from = Int(cue.speechStart * Double(rate))
            // A voice that runs long is cut where the next cue's speech starts.
            let limit = n + 1 < cues.count ? Int(cues[n + 1].speechStart * Double(rate)) : timeline.count
            for (i, sample) in voice.enumerated() where from + i < min(limit, timeline.count) {
                timeline[from + i] = sample
            }
        }
        return SampleWaveWriter.pcm16(timeline, sampleRate: rate)
    }
}
