#pragma once

#include <functional>
#include <optional>

#include <QString>

class QIODevice;
class Transcript;
class TranscriptSnapshot;

// Saving transcripts in four formats, and reading JSONL transcripts back.
// See docs/transcript-format.md.
namespace TranscriptIO {

enum class Format {
    Raw,     // the received bytes only, byte-exact (.bin, .raw)
    Text,    // readable, escaped, with markers, times and events (.txt, .log)
    Hexdump, // per chunk: a header line, then `hexdump -C -v` (.hex, .hexdump)
    Jsonl,   // JSON Lines, the one format that can be reopened (.jsonl)
};

// Format from a file name's extension (case-insensitive); nullopt if unknown.
std::optional<Format> formatForFileName(const QString &fileName);
// Format from its name as on the command line: raw, text, hexdump, jsonl.
std::optional<Format> formatByName(const QString &name);
QString formatName(Format format);
// The usual extension, without dot: "bin", "txt", "hex", "jsonl".
QString defaultSuffix(Format format);
// A file dialog filter for it, e.g. "Text transcript (*.txt *.log)".
QString fileDialogFilter(Format format);

// Called while writing with the work done so far and the whole of it
// (see progressTotal()); `done` never decreases and ends at `total`.
// Returning false cancels: the write stops and reports "cancelled". It runs
// on the writing thread, once per block or entry: keep it cheap.
using Progress = std::function<bool(qint64 done, qint64 total)>;

// The work a write reports through Progress: the data bytes it covers
// (raw: the received bytes; the other formats: both directions').
qint64 progressTotal(const TranscriptSnapshot &snapshot, Format format);

// Writes the snapshot to an open device, in large blocks. Returns false with
// a message if the device fails, or with "cancelled" if `progress` cancels.
// Safe on any thread (see TranscriptSnapshot).
bool write(const TranscriptSnapshot &snapshot, Format format, QIODevice *device, QString *errorMessage,
           const Progress &progress = {});
// The same for the transcript as it is now (a snapshot of it).
bool write(const Transcript &transcript, Format format, QIODevice *device, QString *errorMessage,
           const Progress &progress = {});

// Saves through QSaveFile: on failure (no permission, disk full...) or when
// cancelled, the old file, if any, is left exactly as it was and
// errorMessage says why ("Cannot save FILE: reason", the reason "cancelled"
// for a cancel). The saved file is readable and writable by its owner
// only (0600).
bool save(const TranscriptSnapshot &snapshot, Format format, const QString &path, QString *errorMessage,
          const Progress &progress = {});
bool save(const Transcript &transcript, Format format, const QString &path, QString *errorMessage,
          const Progress &progress = {});

struct ReadError {
    int line = 0; // 1-based line of the file where reading failed; 0 if none
    QString message;
    bool cancelled = false; // the progress callback asked to stop; not damage
    QString toString() const; // "line N: message" (or the message alone)
};

// Called while reading, from the reading thread, with the bytes of the
// device consumed so far (at most every 256 KiB and once at the end).
// Returning false cancels: the read then fails with ReadError::cancelled.
using ReadProgress = std::function<bool(qint64 bytesRead)>;

// Reads a JSONL transcript into `into`, which must be empty, one line at a
// time. On any damage it returns false with the line number, and `into` must
// be discarded: a damaged file is never shown partially. For forward
// compatibility, unknown fields and lines of an unknown "type" are ignored;
// blank lines are tolerated at the end only. On success isModified() is false.
//
// Thread: may run on any thread, provided `into` lives on (or has no
// affinity beyond) that thread while reading; `progress`, if set, is called
// on that thread.
bool readJsonl(QIODevice *device, Transcript *into, ReadError *error, const ReadProgress &progress = {});
bool open(const QString &path, Transcript *into, ReadError *error, const ReadProgress &progress = {});

} // namespace TranscriptIO
