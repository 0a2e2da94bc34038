#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include <QByteArray>
#include <QList>
#include <QDateTime>
#include <QList>
#include <QString>

#include "transcript.h"

// The on-disk layout of one transcript store and its read side, shared by
// Transcript and TranscriptSnapshot. See docs/transcript-store.md.
//
// A store is a folder (0700) with four append-only files (0600):
//   sent.bin, received.bin  the bytes of each direction, back to back
//   strings.bin             length-prefixed UTF-8 texts (event names and
//                           details, datagram sources)
//   entries.bin             one fixed-size record per entry, entry i at
//                           i * recordSize
// plus meta.json (kept stores) and a lock file held while recording.
namespace TranscriptStore {

enum FileIndex { SentFile = 0, ReceivedFile = 1, StringsFile = 2, EntriesFile = 3, FileCount = 4 };

constexpr qint64 recordSize = 40;
// A file's appends are buffered in memory up to this size before a write.
constexpr qint64 bufferSize = 256 * 1024;

QString fileName(int file);
inline QString metaFileName() { return QStringLiteral("meta.json"); }
inline QString lockFileName() { return QStringLiteral("lock"); }
inline int fileOf(Transcript::Direction direction)
{
    return direction == Transcript::Direction::Sent ? SentFile : ReceivedFile;
}

// One entry record (little-endian on disk):
//   u32 flags (bit 0: data, bit 1: received, bit 2: has text; bits 8-31:
//   a data entry's text row count, 0 if not recorded)
//   u32 size (data bytes), i64 tMs, i64 wallMs,
//   i64 offset (data: in its direction's stream),
//   i64 text (offset in strings.bin: an event's name then detail, or a
//   datagram's source; -1 when none)
struct Record {
    bool data = false;
    bool received = false;
    quint32 size = 0;
    qint64 tMs = 0;
    qint64 wallMs = 0;
    qint64 offset = 0;
    qint64 text = -1;
    quint32 textRows = 0; // below 2^24; 0: unknown

    void encode(char *out) const;
    static Record decode(const char *in);
};

// Open descriptors of a store's files, closed when the last holder goes.
// Reads use pread, so one Files may be read from several threads at once.
struct Files {
    int fd[FileCount] = {-1, -1, -1, -1};
    Files() = default;
    Files(const Files &) = delete;
    Files &operator=(const Files &) = delete;
    ~Files();
};

// The contents of a store's files at one moment: the part known to be on
// disk, then blocks handed to the Writer and not known to be written yet
// (or that a failed write left), then a tail of buffered appends. Copying
// shares the descriptors and the bytes.
struct Contents {
    std::shared_ptr<const Files> files; // null: memory only
    qint64 onDisk[FileCount] = {};
    QList<QByteArray> pending[FileCount];
    qint64 pendingBytes[FileCount] = {};
    QByteArray tail[FileCount];

    qint64 size(int file) const { return onDisk[file] + pendingBytes[file] + tail[file].size(); }
    qint64 entryCount() const { return size(EntriesFile) / recordSize; }
    // Exactly `length` bytes at offset, or false.
    bool readAt(int file, qint64 offset, qint64 length, char *out) const;
    // Up to maxLength bytes at offset, clamped to size(file).
    QByteArray read(int file, qint64 offset, qint64 maxLength) const;
    bool record(qint64 index, Record *out) const;
    Transcript::Entry entry(qint64 index) const;
    // Entries [first, first + count), clamped to entryCount(), equal to
    // entry() of each: their records come from one read, and a text offset
    // shared by consecutive records (a datagram source) is read once.
    // Empty if the records cannot be read.
    QList<Transcript::Entry> entries(qint64 first, qint64 count) const;
    QByteArray data(qint64 index) const;
    // The text at `offset` in strings.bin; *next is the offset after it.
    bool text(qint64 offset, QString *out, qint64 *next = nullptr) const;
};

// Writes blocks at the end of a store's files, in the order they are
// queued (so data handed over before a record reaches the disk before it),
// on a thread of its own (started with the first block). After a failed
// write nothing more is written.
class Writer
{
public:
    Writer(std::shared_ptr<const Files> files, const qint64 *onDisk);
    ~Writer(); // writes what is queued, then stops
    Writer(const Writer &) = delete;
    Writer &operator=(const Writer &) = delete;

    void enqueue(int file, const QByteArray &block);
    // Bytes queued and not written yet.
    qint64 queuedBytes() const;
    // Blocks until at most `bytes` are queued (or a write failed).
    void waitForQueuedAtMost(qint64 bytes);
    // The size of each file in whole blocks written; the first failure's
    // errno (0 if none) and file.
    int progress(qint64 *written, int *errorFile) const;

private:
    void run();

    std::shared_ptr<const Files> m_files;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_progress;
    std::deque<std::pair<int, QByteArray>> m_queue;
    qint64 m_queued = 0;
    qint64 m_written[FileCount] = {};
    int m_error = 0;
    int m_errorFile = -1;
    bool m_stop = false;
    std::thread m_thread;
};

// Opens a store's files read-only. Null with a message on failure.
std::shared_ptr<const Files> openFiles(const QString &folder, bool writable, QString *errorMessage);

// The number of leading entries of a store whose records are whole and
// whose data and texts are fully in its files: what a crash left intact.
// Reads the entries file sequentially, memory stays flat.
qint64 intactEntries(const Contents &contents, qint64 *dataEnd, qint64 *stringsEnd);

// Creates a folder private to the user (0700), with its missing parents.
bool makePrivateFolder(const QString &path, QString *errorMessage);
// Writes a small file atomically (QSaveFile), mode 0600.
bool writePrivateFile(const QString &path, const QByteArray &contents, QString *errorMessage);

// meta.json: what TranscriptHistory lists without reading the data.
struct Meta {
    enum class State { Recording, Closed, Recovered };
    QString host;
    quint16 port = 0;
    QDateTime startTime; // UTC
    QDateTime endTime;   // UTC
    State state = State::Recording;
    qint64 bytesSent = 0;
    qint64 bytesReceived = 0;
    qint64 entries = 0;
    QString recordingError;

    QByteArray toJson() const;
    static bool fromJson(const QByteArray &json, Meta *out);
};
bool readMeta(const QString &folder, Meta *out);
bool writeMeta(const QString &folder, const Meta &meta, QString *errorMessage);

} // namespace TranscriptStore
