// Reading a WAV file's header: the RIFF or RF64 chunks, where the sound starts and how long it runs.

extension WaveSound {
    /// What the header says, before a single sample is read.
    struct Layout {
        var format: WaveFormat
        var dataOffset: Int
        var dataByteCount: Int
        var runsToEnd: Bool
        var isRF64: Bool
    }

    /// Sizes that mean "not known when the header was written".
    private static func isStreamingSize(_ size: UInt32) -> Bool {
        size == 0 || size >= 0x7FFF_F000
    }

    /// Walks the chunks to the format and the sound; refuses, with a plain reason, what cannot be played.
    static func readLayout(_ raw: UnsafeRawBufferPointer) throws -> Layout {
        let fileSize = raw.count
        guard fileSize >= 12 else {
            throw LabError(
                .unprocessable, "wave_too_short",
                "The sound file is only \(fileSize) bytes, too short to be a WAV file. Please upload the whole file again."
            )
        }
        let magic = fourCC(raw, 0)
        if magic == "RIFX" || magic == "FFIR" {
            throw LabError(
                .unprocessable, "wave_big_endian",
                "This WAV file stores its numbers big-endian (RIFX), which Annolab does not read. Please export it again as a standard PCM WAV."
            )
        }
        guard magic == "RIFF" || magic == "RF64", fourCC(raw, 8) == "WAVE" else {
            throw LabError(
                .unprocessable, "wave_not_riff",
                "This is not a WAV file: it does not start with RIFF...WAVE. Please upload a .wav file (PCM or float)."
            )
        }
        let isRF64 = magic == "RF64"
        let riffIsStreaming = isStreamingSize(readUInt32(raw, 4))

        var format: WaveFormat?
        var data: (offset: Int, byteCount: Int, runsToEnd: Bool)?
        var ds64DataSize: UInt64?
        var position = 12
        while position + 8 <= fileSize, format == nil || data == nil {
            let id = fourCC(raw, position)
            let declared = readUInt32(raw, position + 4)
            let body = position + 8
            let available = fileSize - body
            var size = Int(declared)

            if id == "data" {
                if data != nil {
                    // A second data chunk is not sound we play; skip it like any other chunk.
                    guard size <= available else { throw chunkTooLong(id, at: position, size: size, available: available) }
                } else {
                    var claimed = UInt64(declared)
                    var streaming = declared == 0 || (isStreamingSize(declared) || riffIsStreaming) && UInt64(declared) > UInt64(available)
                    if isRF64, declared == 0xFFFF_FFFF, let fromDS64 = ds64DataSize {
                        claimed = fromDS64
                        streaming = false
                    }
                    if streaming {
                        data = (body, available, true)
                        break
                    }
                    guard claimed <= UInt64(available) else {
                        throw LabError(
                            .unprocessable, "wave_cut_off",
                            "The sound file is cut off: its header promises \(claimed) bytes of sound, but only \(available) are there. The upload was probably interrupted; please upload the whole file again."
                        )
                    }
                    size = Int(claimed)
                    data = (body, size, false)
                }
            } else if id == "fmt " {
                guard size <= available else {
                    throw LabError(
                        .unprocessable, "wave_fmt_cut_off",
                        "The sound file is cut off inside its header (the fmt chunk needs \(size) bytes, \(available) are there). Please upload the whole file again."
                    )
                }
                if format == nil { format = try readFormat(raw, at: body, size: size) }
            } else if id == "ds64", isRF64 {
                guard size >= 24, size <= available else {
                    throw LabError(
                        .unprocessable, "wave_bad_ds64",
                        "This RF64 sound file has a damaged size table (ds64 chunk). Please export it again."
                    )
                }
                ds64DataSize = UInt64(readUInt32(raw, body + 8)) | UInt64(readUInt32(raw, body + 12)) << 32
            } else {
                guard size <= available else { throw chunkTooLong(id, at: position, size: size, available: available) }
            }
            // Chunks are padded to an even length; the pad byte may be missing at the very end.
            position = body + size + (size & 1)
        }

        guard let format else {
            throw LabError(
                .unprocessable, "wave_no_fmt",
                "This WAV file has no format description (fmt chunk) before its sound, so it cannot be played. Please export it again as PCM WAV."
            )
        }
        guard let data else {
            throw LabError(
                .unprocessable, "wave_no_data",
                "This WAV file holds no sound (it has no data chunk). Please check that you chose the right file."
            )
        }
        return Layout(format: format, dataOffset: data.offset, dataByteCount: data.byteCount, runsToEnd: data.runsToEnd, isRF64: isRF64)
    }

    private static func chunkTooLong(_ id: String, at position: Int, size: Int, available: Int) -> LabError {
        LabError(
            .unprocessable, "wave_chunk_too_long",
            "The sound file is damaged or cut off: its '\(id)' part at byte \(position) claims \(size) bytes, but only \(available) follow. Please upload the whole file again."
        )
    }

    private static func fourCC(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> String {
        String(decoding: (0..<4).map { raw[offset + $0] }.map { $0 >= 0x20 && $0 < 0x7F ? $0 : 0x3F }, as: UTF8.self)
    }

    /// WAV numbers are little-endian whatever the machine.
    static func readUInt16(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8
    }

    static func readUInt32(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24
    }
}
