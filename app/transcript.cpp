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
// them (their lock is stale). Once per process.
void removeStaleTemporaryStores(const QString &root)
{
    static std::once_flag once;
    std::call_once(once, [&root] {
        const QStringList names = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
        for (const QString &name : names) {
            const QString folder = root + QLatin1Char('/') + name;
            const QString lockPath = folder + QLatin1Char('/') + lockFileName();
            // Without a lock yet, it may be a store another process is
            // making this very moment.
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
    });
}
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
        for (int i = 0; i < FileCount; ++i) {
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
    const QString root = temporaryStoresFolder();
    QString error;
    if (makePrivateFolder(root, &error)) {
        removeStaleTemporaryStores(root);
        QTemporaryDir dir(root + QStringLiteral("/XXXXXX"));
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
    auto lock = std::make_unique<QLockFile>(folder + QLatin1Char('/') + lockFileName());
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        if (errorMessage)
            *errorMessage = tr("The transcript store %1 is in use.").arg(QDir::toNativeSeparators(folder));
        return false;
    }
    // QLockFile's own mode follows the umask; it names this process.
    QFile::setPermissions(lock->fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    std::shared_ptr<const Files> files = openFiles(folder, true, errorMessage);
    if (!files)
        return false;
    m_lock = std::move(lock);
    m_files = files;
    m_contents->files = files;
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
    if (m_recording)
        flush();
    if (m_kind == StoreKind::Kept) {
        writeMeta(true);
        m_lock->unlock();
        return;
    }
    // Temporary: open snapshots keep the files readable through their
    // descriptors.
    for (int i = 0; i < FileCount; ++i)
        QFile::remove(m_storePath + QLatin1Char('/') + fileName(i));
    m_lock->unlock();
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

bool Transcript::appendRecord(bool data, Direction direction, qint64 size, qint64 tMs, qint64 wallMs,
                              qint64 text)
{
    Record r;
    r.data = data;
    r.received = data && direction == Direction::Received;
    r.size = quint32(size);
    r.tMs = tMs;
    r.wallMs = wallMs;
    r.offset = data ? m_contents->size(fileOf(direction)) - size : 0;
    r.text = text;
    char buffer[recordSize];
    r.encode(buffer);
    m_contents->tail[EntriesFile].append(buffer, recordSize);
    for (const QByteArray &tail : m_contents->tail) {
        if (tail.size() >= bufferSize)
            return flush() || !m_files;
    }
    return true;
}

void Transcript::appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs,
                              const QString &source)
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
    for (qint64 pos = 0; pos < bytes.size(); pos += maxChunkSize) {
        if (!accepting(bytes.size() - pos))
            break;
        const qint64 size = std::min(maxChunkSize, bytes.size() - pos);
        m_contents->tail[file].append(bytes.data() + pos, size);
        appendRecord(true, direction, size, tMs, wallMs, text);
    }
    appended(first);
}

void Transcript::appendEventAt(const QString &name, const QString &detail, qint64 tMs, qint64 wallMs)
{
    if (!accepting(0))
        return;
    const qint64 first = entryCount();
    appendRecord(false, Direction::Received, 0, tMs, wallMs, appendText(name, &detail));
    appended(first);
}

// Announces entries [first, entryCount()) once the state is complete.
void Transcript::appended(qint64 first)
{
    if (m_kind == StoreKind::Kept && m_recording && !m_flushTimer)
        m_flushTimer = startTimer(flushIntervalMs);
    if (entryCount() == first)
        return;
    const bool wasModified = m_modified;
    m_modified = true;
    Q_EMIT entriesAppended(first, entryCount() - first);
    if (!wasModified)
        Q_EMIT modifiedChanged(true);
}

void Transcript::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_flushTimer) {
        QObject::timerEvent(event);
        return;
    }
    killTimer(m_flushTimer);
    m_flushTimer = 0;
    flush();
}

bool Transcript::flush()
{
    if (!m_files)
        return m_recordingError.isEmpty(); // memory only, or read-only and empty
    if (!m_recording)
        return m_recordingError.isEmpty();
    // Data before texts before entries: an entry on disk has its bytes on
    // disk too, whenever the process stops.
    for (int file = 0; file < FileCount; ++file) {
        QByteArray &tail = m_contents->tail[file];
        qint64 done = 0;
        while (done < tail.size()) {
            const ssize_t n = ::pwrite(m_files->fd[file], tail.constData() + done, size_t(tail.size() - done),
                                       off_t(m_contents->onDisk[file]));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                const QString why = n < 0 ? QString::fromLocal8Bit(std::strerror(errno)) : tr("nothing written");
                tail.remove(0, done);
                stopRecording(tr("Cannot write to %1: %2")
                                  .arg(QDir::toNativeSeparators(m_storePath + QLatin1Char('/') + fileName(file)), why));
                return false;
            }
            done += n;
            m_contents->onDisk[file] += n;
        }
        tail.resize(0);
    }
    return true;
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
