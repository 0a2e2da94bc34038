#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

// An append-only record of one connection: data chunks (sent or received)
// and events, each with its time since the transcript started and its wall
// clock time.
//
// Contract: callers append chunks and events, and read entries one at a
// time or byte ranges of one direction. No accessor returns the whole transcript as one
// buffer or string. A single chunk is at most maxChunkSize bytes: larger
// appends are split into several entries with the same time.
//
// Storage is on disk (see docs/transcript-store.md): appends go to a small
// write buffer, then to a writer thread that writes them to the store's
// files (appends wait only when the disk falls maxQueuedBytes behind); memory holds
// no per-entry list, only the buffers (indexMemoryBytes()). A Transcript() records into
// a temporary store under <CacheLocation>/stores, removed when it is
// destroyed; TranscriptHistory makes kept and read-only ones.
//
// If a write fails (disk full...), recording stops: everything appended
// before stays readable (what could not be written stays in memory), later
// appends are dropped and counted, recordingStopped() is emitted once.
//
// Threads: a Transcript lives on one thread (it may be created on a worker
// and moved with moveToThread()); snapshot() is how other threads read it.
class TranscriptSnapshot;
class QLockFile;
namespace TranscriptStore {
struct Contents;
struct Files;
class Writer;
}

class Transcript : public QObject
{
    Q_OBJECT
public:
    enum class Direction { Sent, Received };
    Q_ENUM(Direction)
    enum class Kind { Data, Event };
    Q_ENUM(Kind)

    static constexpr qint64 maxChunkSize = 64 * 1024;
    // A kept store's appendBuffer() holds on to (shares) an array at least
    // this large until the writer has written it; smaller appends are copied.
    static constexpr qint64 directWriteSize = 64 * 1024;
    // Bytes handed to the writer thread and not written yet, at most: beyond
    // it, appends wait for the disk.
    static constexpr qint64 maxQueuedBytes = 8 * 1024 * 1024;

    struct Entry {
        Kind kind = Kind::Event;
        Direction direction = Direction::Received; // Data only
        qint64 tMs = 0;    // milliseconds since startTime()
        qint64 wallMs = 0; // milliseconds since the Unix epoch, UTC
        qint64 offset = 0; // Data: offset of the first byte in its direction
        qint64 size = 0;   // Data: number of bytes
        QString event;     // Event: one of the names in TranscriptEvent
        QString detail;    // Event: human-readable detail
        QString source;    // Data, optional: where a datagram came from, "127.0.0.1:5353" / "[::1]:5353"
        // Data: how many text rows TranscriptLayout cuts the bytes into
        // (TranscriptLayout::countTextRows), recorded when appended so that
        // the view need not read the data back to count rows; 0 when the
        // store does not say (older stores).
        qint64 textRows = 0;
    };

    // A transcript recording into a new temporary store. If no store can be
    // made, it records in memory only (and logs why).
    explicit Transcript(QObject *parent = nullptr);
    // Flushes; a kept store is marked closed, a temporary one removed (open
    // snapshots keep reading it).
    ~Transcript() override;

    // Peer as the user named it (host name or address literal, no brackets).
    void setPeer(const QString &host, quint16 port);
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }

    // Starts the clock: t = 0 is now. Called when connecting begins.
    void start();
    QDateTime startTime() const; // UTC; invalid before start()
    // For transcripts read from a file: the start time as recorded.
    void setStartTime(const QDateTime &utc);

    // Appends with the current time (relative to start()). `source` (UDP)
    // names the sender of a received datagram as an endpoint, "addr:port".
    void appendData(Direction direction, QByteArrayView bytes, const QString &source = QString());
    // The same for a buffer the transcript may keep (shared, not copied)
    // until it is written: what a socket read returns.
    void appendBuffer(Direction direction, const QByteArray &bytes);
    void appendEvent(const QString &name, const QString &detail = QString());
    // Appends with an explicit time (used when reading a saved transcript).
    void appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs,
                      const QString &source = QString());
    void appendEventAt(const QString &name, const QString &detail, qint64 tMs, qint64 wallMs);

    qint64 entryCount() const;
    Entry entry(qint64 index) const;
    // Entries [first, first + count) (fewer at the end), each equal to
    // entry(): one read for all, cheaper than `count` calls to entry().
    QList<Entry> entries(qint64 first, qint64 count) const;
    // The bytes of data entry `index` (empty for events).
    QByteArray data(qint64 index) const;
    // Up to maxLength bytes of one direction's stream, starting at offset.
    QByteArray read(Direction direction, qint64 offset, qint64 maxLength) const;
    qint64 totalBytes(Direction direction) const;
    bool isEmpty() const { return entryCount() == 0; }
    // True when it holds any data chunk (events alone are not worth saving).
    bool hasData() const;

    // A frozen, read-only view of the entries so far, for another thread
    // (saving, searching). Writes the buffered appends first. See
    // TranscriptSnapshot.
    TranscriptSnapshot snapshot() const;

    // Unsaved changes: set by every append, cleared by setModified(false)
    // after a successful save.
    bool isModified() const { return m_modified; }
    void setModified(bool modified);

    // False once a write failed (see recordingError()), and for transcripts
    // opened read-only from a store: appends are then dropped.
    bool isRecording() const { return m_recording; }
    // Why recording stopped; empty while recording or when read-only.
    QString recordingError() const { return m_recordingError; }
    // Bytes and entries dropped because recording had stopped.
    qint64 droppedBytes() const { return m_droppedBytes; }
    qint64 droppedEntries() const { return m_droppedEntries; }
    // The store folder; empty when recording in memory only.
    QString storePath() const { return m_storePath; }
    // Heap memory held for this transcript's storage (write buffers, texts
    // not yet written): bounded whatever the transcript's size, except when
    // recording in memory only (storePath() empty).
    qint64 indexMemoryBytes() const;
    // Writes the buffered appends to the store's files. False if a write
    // failed (recording has then stopped).
    bool flush();

Q_SIGNALS:
    // Entries [first, first + count) were appended.
    void entriesAppended(qint64 first, qint64 count);
    void modifiedChanged(bool modified);
    // Emitted once, when a write to the store fails: nothing appended
    // after it is recorded. The session goes on.
    void recordingStopped(const QString &reason);

protected:
    void timerEvent(QTimerEvent *event) override;
    bool event(QEvent *event) override;

private:
    friend class TranscriptHistory;
    enum class StoreKind { Temporary, Kept, ReadOnly };
    // Kept: a new store in `folder` (new and empty); ReadOnly: an existing,
    // intact store. On failure *errorMessage is set and the
    // transcript records in memory only (Kept) or is empty (ReadOnly).
    Transcript(StoreKind kind, const QString &folder, QString *errorMessage, QObject *parent = nullptr);

    void openTemporaryStore();
    bool createStore(const QString &folder, QString *errorMessage);
    void appended(qint64 first);
    void appendRecord(bool data, Direction direction, qint64 offset, qint64 size, qint64 tMs, qint64 wallMs,
                      qint64 text, qint64 textRows = 0);
    void appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs, const QString &source,
                      const QByteArray *shared);
    void handOver(int file);
    void handOverAll();
    void queue(int file, const QByteArray &block);
    void reap();
    void armFlushTimer();
    QString writeError(int file, const QString &why) const;
    qint64 appendText(const QString &first, const QString *second = nullptr);
    bool accepting(qint64 bytes);
    void stopRecording(const QString &reason);
    void writeMeta(bool closing);
    void closeStore();
    qint64 nowMs() const;
    qint64 wallMsAt(qint64 tMs) const;

    QString m_host;
    quint16 m_port = 0;
    QDateTime m_start;
    QElapsedTimer m_clock;
    std::unique_ptr<TranscriptStore::Contents> m_contents;
    std::shared_ptr<const TranscriptStore::Files> m_files; // null: memory only
    std::unique_ptr<TranscriptStore::Writer> m_writer;     // null: memory only or read-only
    std::unique_ptr<QLockFile> m_lock;
    StoreKind m_kind = StoreKind::Temporary;
    QString m_storePath;
    QString m_lastSource; // the source texts of consecutive datagrams are shared
    qint64 m_lastSourceText = -1;
    int m_flushTimer = 0;
    bool m_closing = false;
    bool m_recording = true;
    QString m_recordingError;
    qint64 m_droppedBytes = 0;
    qint64 m_droppedEntries = 0;
    bool m_modified = false;
};

// Stable event names, as written to JSONL transcripts.
namespace TranscriptEvent {
inline QString connecting() { return QStringLiteral("connecting"); }       // detail: "host:port"
inline QString lookedUp() { return QStringLiteral("resolved"); }           // detail: addresses
inline QString connected() { return QStringLiteral("connected"); }         // detail: "address:port"
inline QString closedByPeer() { return QStringLiteral("closed_by_peer"); } // orderly close (FIN)
inline QString disconnected() { return QStringLiteral("disconnected"); }   // by the user
inline QString idleTimeout() { return QStringLiteral("idle_timeout"); }
inline QString unsent() { return QStringLiteral("unsent"); }               // detail: how many queued bytes were dropped
inline QString error() { return QStringLiteral("error"); }                 // detail: message
inline QString starttls() { return QStringLiteral("starttls"); }           // plain-text upgrade exchange begins
inline QString tlsStart() { return QStringLiteral("tls_start"); }          // handshake begins; detail: server name, ALPN
inline QString tlsHandshake() { return QStringLiteral("tls_handshake"); }  // detail: TlsDetails::summary()
inline QString tlsPinned() { return QStringLiteral("tls_pinned"); }        // pinned certificate accepted despite verification
inline QString tlsUnverified() { return QStringLiteral("tls_unverified"); } // accepted without verification (--insecure)
inline QString plaintextDiscarded() { return QStringLiteral("plaintext_discarded"); } // detail: byte count
inline QString proxy() { return QStringLiteral("proxy"); }                 // detail: the proxy used, without password
inline QString bound() { return QStringLiteral("bound"); }                 // detail: local "address:port"
inline QString halfClosed() { return QStringLiteral("half_closed"); }      // our sending side is closed (FIN sent)
inline QString sendFailed() { return QStringLiteral("send_failed"); }      // detail: why; the session goes on
inline QString emptyDatagram() { return QStringLiteral("empty_datagram"); } // detail: its source
} // namespace TranscriptEvent
