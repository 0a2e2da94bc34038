#include "transcript.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimerEvent>
#include <QtEndian>

#include "logging.h"
#include "transcriptlayout.h"
#include "transcriptstore.h"

using namespace TranscriptStore;

namespace {
// How long appends to a kept store may wait in memory: at most this much
// is lost when the process is killed.
constexpr int flushIntervalMs = 250;

QString temporaryStoresFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/stores");
}

// Removes the temporary stores of processes that ended without removing
// them (their process folder's lock is stale). Once per process.
void removeStaleTemporaryStores(const QString &root)
{
    const QStringList names = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    for (const QString &name : names) {
        const QString folder = root + QLatin1Char('/') + name;
        const QString lockPath = folder + QLatin1Char('/') + lockFileName();
        // Without a lock yet, it may be a folder another process is making
        // this very moment.
        if (!QFileInfo::exists(lockPath)
            && QFileInfo(folder).lastModified().secsTo(QDateTime::currentDateTime()) < 60) {
            continue;
        }
        QLockFile lock(lockPath);
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue; // in use by a live process
        lock.unlock();
        QDir(folder).removeRecursively();
    }
}

// This process's folder for temporary stores, made (after removing stale
// ones) the first time it is needed, locked for the life of the process and
// removed at exit. One lock per process rather than per store: QLockFile
// syncs its file to disk, which would cost every short connection.
class TemporaryRoot
{
public:
    static const TemporaryRoot &instance()
    {
        static const TemporaryRoot root;
        return root;
    }
    QString path() const { return m_path; } // empty if it could not be made
    QString error() const { return m_error; }

private:
    TemporaryRoot()
    {
        const QString root = temporaryStoresFolder();
        if (!makePrivateFolder(root, &m_error))
            return;
        removeStaleTemporaryStores(root);
        QTemporaryDir dir(root + QStringLiteral("/XXXXXX"));
        dir.setAutoRemove(false);
        if (!dir.isValid()) {
            m_error = dir.errorString();
            return;
        }
        auto lock = std::make_unique<QLockFile>(dir.path() + QLatin1Char('/') + lockFileName());
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            m_error = lock->error() == QLockFile::PermissionError ? QStringLiteral("permission denied")
                                                                 : QStringLiteral("cannot lock");
            QDir(dir.path()).removeRecursively();
            return;
        }
        QFile::setPermissions(lock->fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_lock = std::move(lock);
        m_path = dir.path();
    }
    ~TemporaryRoot()
    {
        if (m_path.isEmpty())
            return;
        m_lock.reset();
        QDir(m_path).removeRecursively();
    }

    QString m_path;
    QString m_error;
    std::unique_ptr<QLockFile> m_lock;
};
} // namespace

Transcript::Transcript(QObject *parent)
    : QObject(parent)
    , m_contents(std::make_unique<Contents>())
{
    openTemporaryStore();
}

Transcript::Transcript(StoreKind kind, const QString &folder, QString *errorMessage, QObject *parent)
    : QObject(parent)
    , m_contents(std::make_unique<Contents>())
    , m_kind(kind)
{
    if (kind == StoreKind::Kept) {
        if (!createStore(folder, errorMessage))
            m_kind = StoreKind::Temporary; // memory only; nothing to keep
        return;
    }
    if (kind == StoreKind::ReadOnly) {
        m_recording = false;
        std::shared_ptr<const Files> files = openFiles(folder, false, errorMessage);
        if (!files)
            return;
        // Entries last in the writer's order (data, texts, entries), so read
        // their size first: every entry counted then has its bytes on disk,
        // even when a live recorder flushes in between.
        for (int i = FileCount - 1; i >= 0; --i) {
            struct stat st;
            m_contents->onDisk[i] = ::fstat(files->fd[i], &st) == 0 ? qint64(st.st_size) : 0;
        }
        m_contents->onDisk[EntriesFile] -= m_contents->onDisk[EntriesFile] % recordSize;
        m_contents->files = files;
        m_files = files;
        m_storePath = folder;
        Meta meta;
        if (readMeta(folder, &meta)) {
            m_host = meta.host;
            m_port = meta.port;
            m_start = meta.startTime;
        }
        return;
    }
    openTemporaryStore();
}

Transcript::~Transcript()
{
    m_closing = true;
    closeStore();
}

void Transcript::openTemporaryStore()
{
    m_kind = StoreKind::Temporary;
    const TemporaryRoot &root = TemporaryRoot::instance();
    QString error = root.error();
    if (!root.path().isEmpty()) {
        QTemporaryDir dir(root.path() + QStringLiteral("/XXXXXX"));
        dir.setAutoRemove(false);
        if (!dir.isValid())
            error = dir.errorString();
        else if (createStore(dir.path(), &error))
            return;
        else
            QDir(dir.path()).removeRecursively();
    }
    qCWarning(lcTranscript) << "no transcript store, recording in memory:" << error;
}

bool Transcript::createStore(const QString &folder, QString *errorMessage)
{
    if (!makePrivateFolder(folder, errorMessage))
        return false;
    // A kept store has its own lock (the history tells a live store from a
    // crashed one by it); a temporary one lives in its process's locked
    // folder (TemporaryRoot).
    std::unique_ptr<QLockFile> lock;
    if (m_kind == StoreKind::Kept) {
        lock = std::make_unique<QLockFile>(folder + QLatin1Char('/') + lockFileName());
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            if (errorMessage)
                *errorMessage = tr("The transcript store %1 is in use.").arg(QDir::toNativeSeparators(folder));
            return false;
        }
        // QLockFile's own mode follows the umask; it names this process.
        QFile::setPermissions(lock->fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    std::shared_ptr<const Files> files = openFiles(folder, true, errorMessage);
    if (!files)
        return false;
    m_lock = std::move(lock);
    m_files = files;
    m_contents->files = files;
    m_writer = std::make_unique<Writer>(files, m_contents->onDisk);
    for (QByteArray &tail : m_contents->tail)
        tail.reserve(bufferSize + maxChunkSize);
    m_storePath = folder;
    if (m_kind == StoreKind::Kept)
        writeMeta(false);
    return true;
}

void Transcript::closeStore()
{
    if (m_kind == StoreKind::ReadOnly || m_storePath.isEmpty())
        return;
    // A temporary store is removed next: nothing to write (open snapshots
    // share what they need).
    if (m_recording && m_kind == StoreKind::Kept)
        flush();
    m_writer.reset(); // what a failed write left stays in memory, unwritten
    if (m_kind == StoreKind::Kept) {
        writeMeta(true);
        m_lock->unlock();
        return;
    }
    // Temporary: open snapshots keep the files readable through their
    // descriptors.
    for (int i = 0; i < FileCount; ++i)
        QFile::remove(m_storePath + QLatin1Char('/') + fileName(i));
    QDir().rmdir(m_storePath);
}

void Transcript::writeMeta(bool closing)
{
    if (m_kind != StoreKind::Kept || m_storePath.isEmpty())
        return;
    Meta meta;
    meta.host = m_host;
    meta.port = m_port;
    meta.startTime = m_start;
    meta.state = closing ? Meta::State::Closed : Meta::State::Recording;
    // Only what reached the files counts: it is what the store holds.
    meta.bytesSent = m_contents->onDisk[SentFile];
    meta.bytesReceived = m_contents->onDisk[ReceivedFile];
    meta.entries = m_contents->onDisk[EntriesFile] / recordSize;
    if (closing) {
        Record last;
        meta.endTime = meta.entries > 0 && m_contents->record(meta.entries - 1, &last)
            ? QDateTime::fromMSecsSinceEpoch(last.wallMs, Qt::UTC)
            : QDateTime::currentDateTimeUtc();
    }
    meta.recordingError = m_recordingError;
    QString error;
    if (!TranscriptStore::writeMeta(m_storePath, meta, &error))
        qCWarning(lcTranscript) << "cannot write the store's metadata:" << error;
}

void Transcript::setPeer(const QString &host, quint16 port)
{
    m_host = host;
    m_port = port;
    writeMeta(false);
}

void Transcript::start()
{
    m_start = QDateTime::currentDateTimeUtc();
    m_clock.start();
    writeMeta(false);
}

QDateTime Transcript::startTime() const
{
    return m_start;
}

void Transcript::setStartTime(const QDateTime &utc)
{
    m_start = utc.toUTC();
    writeMeta(false);
}

qint64 Transcript::nowMs() const
{
    return m_clock.isValid() ? m_clock.elapsed() : 0;
}

// The wall clock follows the monotonic clock from start(), so that wall time
// minus relative time is the same for every entry.
qint64 Transcript::wallMsAt(qint64 tMs) const
{
    return m_start.isValid() ? m_start.toMSecsSinceEpoch() + tMs : QDateTime::currentMSecsSinceEpoch();
}

void Transcript::appendData(Direction direction, QByteArrayView bytes, const QString &source)
{
    const qint64 tMs = nowMs();
    appendDataAt(direction, bytes, tMs, wallMsAt(tMs), source);
}

void Transcript::appendEvent(const QString &name, const QString &detail)
{
    const qint64 tMs = nowMs();
    appendEventAt(name, detail, tMs, wallMsAt(tMs));
}

bool Transcript::accepting(qint64 bytes)
{
    if (m_recording)
        return true;
    m_droppedBytes += bytes;
    m_droppedEntries += bytes > 0 ? (bytes + maxChunkSize - 1) / maxChunkSize : 1;
    return false;
}

qint64 Transcript::appendText(const QString &first, const QString *second)
{
    const qint64 offset = m_contents->size(StringsFile);
    QByteArray &tail = m_contents->tail[StringsFile];
    for (const QString *text : {&first, second}) {
        if (!text)
            continue;
        const QByteArray utf8 = text->toUtf8();
        char length[4];
        qToLittleEndian<quint32>(quint32(utf8.size()), length);
        tail.append(length, 4);
        tail.append(utf8);
    }
    return offset;
}

void Transcript::appendRecord(bool data, Direction direction, qint64 offset, qint64 size, qint64 tMs,
                              qint64 wallMs, qint64 text, qint64 textRows)
{
    Record r;
    r.data = data;
    r.received = data && direction == Direction::Received;
    r.size = quint32(size);
    r.tMs = tMs;
    r.wallMs = wallMs;
    r.offset = offset;
    r.text = text;
    r.textRows = quint32(std::clamp<qint64>(textRows, 0, std::numeric_limits<quint32>::max()));
    char buffer[recordSize];
    r.encode(buffer);
    m_contents->tail[EntriesFile].append(buffer, recordSize);
    for (const QByteArray &tail : m_contents->tail) {
        if (tail.size() >= bufferSize) {
            handOverAll();
            break;
        }
    }
}

// Hands `file`'s buffered appends to the writer.
void Transcript::handOver(int file)
{
    QByteArray &tail = m_contents->tail[file];
    if (!m_writer || tail.isEmpty())
        return;
    queue(file, tail);
    tail = QByteArray();
    tail.reserve(bufferSize + maxChunkSize);
}

// In the order data, texts, entries: a record reaches the disk after its
// bytes.
void Transcript::handOverAll()
{
    for (int file = 0; file < FileCount; ++file)
        handOver(file);
}

void Transcript::queue(int file, const QByteArray &block)
{
    m_contents->pending[file].append(block);
    m_contents->pendingBytes[file] += block.size();
    m_writer->enqueue(file, block);
    if (m_writer->queuedBytes() > maxQueuedBytes)
        m_writer->waitForQueuedAtMost(maxQueuedBytes / 2); // the disk is slower than the appends
    reap();
    armFlushTimer();
}

// What is buffered or pending reaches the disk within flushIntervalMs.
void Transcript::armFlushTimer()
{
    if (m_writer && m_recording && !m_flushTimer)
        m_flushTimer = startTimer(flushIntervalMs);
}

// Forgets the pending blocks the writer has written; stops recording if a
// write failed (the blocks not written stay in memory).
void Transcript::reap()
{
    if (!m_writer)
        return;
    qint64 written[FileCount];
    int errorFile = -1;
    const int error = m_writer->progress(written, &errorFile);
    for (int file = 0; file < FileCount; ++file) {
        QList<QByteArray> &pending = m_contents->pending[file];
        while (!pending.isEmpty() && m_contents->onDisk[file] + pending.first().size() <= written[file]) {
            m_contents->onDisk[file] += pending.first().size();
            m_contents->pendingBytes[file] -= pending.first().size();
            pending.removeFirst();
        }
    }
    if (error != 0 && m_recording)
        stopRecording(writeError(errorFile, QString::fromLocal8Bit(std::strerror(error))));
}

QString Transcript::writeError(int file, const QString &why) const
{
    return tr("Cannot write to %1: %2")
        .arg(QDir::toNativeSeparators(m_storePath + QLatin1Char('/') + fileName(file)), why);
}

void Transcript::appendBuffer(Direction direction, const QByteArray &bytes)
{
    const qint64 tMs = nowMs();
    appendDataAt(direction, bytes, tMs, wallMsAt(tMs), QString(), &bytes);
}

void Transcript::appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs,
                              const QString &source)
{
    appendDataAt(direction, bytes, tMs, wallMs, source, nullptr);
}

// `shared`, if given, holds `bytes`: a large append is then handed to the
// writer without a copy.
void Transcript::appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs,
                              const QString &source, const QByteArray *shared)
{
    if (bytes.isEmpty() || !accepting(bytes.size()))
        return;
    const qint64 first = entryCount();
    qint64 text = -1;
    if (!source.isEmpty()) {
        if (source != m_lastSource || m_lastSourceText < 0) {
            m_lastSource = source;
            m_lastSourceText = appendText(source);
        }
        text = m_lastSourceText;
    }
    const int file = fileOf(direction);
    const qint64 offset = m_contents->size(file);
    // A large append skips the write buffer.
    const bool direct = m_writer && bytes.size() >= directWriteSize;
    if (direct) {
        handOver(file);
        queue(file, shared ? *shared : bytes.toByteArray());
    }
    for (qint64 pos = 0; pos < bytes.size(); pos += maxChunkSize) {
        if (!direct && !accepting(bytes.size() - pos))
            break;
        const qint64 size = std::min(maxChunkSize, bytes.size() - pos);
        const QByteArrayView piece = bytes.sliced(pos, size);
        if (!direct)
            m_contents->tail[file].append(piece.data(), size);
        appendRecord(true, direction, offset + pos, size, tMs, wallMs, text, TranscriptLayout::countTextRows(piece));
    }
    appended(first);
}

void Transcript::appendEventAt(const QString &name, const QString &detail, qint64 tMs, qint64 wallMs)
{
    if (!accepting(0))
        return;
    const qint64 first = entryCount();
    appendRecord(false, Direction::Received, 0, 0, tMs, wallMs, appendText(name, &detail));
    appended(first);
}

// Announces entries [first, entryCount()) once the state is complete.
void Transcript::appended(qint64 first)
{
    armFlushTimer();
    if (entryCount() == first)
        return;
    const bool wasModified = m_modified;
    m_modified = true;
    Q_EMIT entriesAppended(first, entryCount() - first);
    if (!wasModified)
        Q_EMIT modifiedChanged(true);
}

// Before moving to another thread: no timer to carry over (Qt re-registers
// it there through a queued call that leaks if never run); what is
// buffered goes to the writer, the next append starts the timer again.
bool Transcript::event(QEvent *event)
{
    if (event->type() == QEvent::ThreadChange && m_flushTimer) {
        handOverAll();
        killTimer(m_flushTimer);
        m_flushTimer = 0;
    }
    return QObject::event(event);
}

void Transcript::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_flushTimer) {
        QObject::timerEvent(event);
        return;
    }
    killTimer(m_flushTimer);
    m_flushTimer = 0;
    handOverAll();
    reap();
    // Again until everything is written, so that memory is given back.
    bool pending = false;
    for (qint64 bytes : m_contents->pendingBytes)
        pending = pending || bytes > 0;
    if (pending)
        armFlushTimer();
}

bool Transcript::flush()
{
    if (!m_files)
        return m_recordingError.isEmpty(); // memory only, or read-only and empty
    if (!m_recording)
        return m_recordingError.isEmpty();
    handOverAll();
    m_writer->waitForQueuedAtMost(0);
    reap();
    return m_recordingError.isEmpty();
}

void Transcript::stopRecording(const QString &reason)
{
    if (!m_recording)
        return;
    m_recording = false;
    m_recordingError = reason;
    if (m_flushTimer) {
        killTimer(m_flushTimer);
        m_flushTimer = 0;
    }
    qCWarning(lcTranscript) << "recording stopped:" << reason;
    writeMeta(false);
    if (!m_closing)
        Q_EMIT recordingStopped(reason);
}

qint64 Transcript::indexMemoryBytes() const
{
    qint64 bytes = qint64(sizeof(*this)) + qint64(sizeof(Contents));
    for (const QByteArray &tail : m_contents->tail)
        bytes += tail.capacity();
    for (qint64 pending : m_contents->pendingBytes)
        bytes += pending;
    return bytes + (m_host.capacity() + m_lastSource.capacity()) * qint64(sizeof(QChar));
}

qint64 Transcript::entryCount() const
{
    return m_contents->entryCount();
}

Transcript::Entry Transcript::entry(qint64 index) const
{
    return m_contents->entry(index);
}

QList<Transcript::Entry> Transcript::entries(qint64 first, qint64 count) const
{
    return m_contents->entries(first, count);
}

QByteArray Transcript::data(qint64 index) const
{
    return m_contents->data(index);
}

QByteArray Transcript::read(Direction direction, qint64 offset, qint64 maxLength) const
{
    return m_contents->read(fileOf(direction), offset, maxLength);
}

qint64 Transcript::totalBytes(Direction direction) const
{
    return m_contents->size(fileOf(direction));
}

bool Transcript::hasData() const
{
    return totalBytes(Direction::Sent) > 0 || totalBytes(Direction::Received) > 0;
}

void Transcript::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}
