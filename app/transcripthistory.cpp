#include "transcripthistory.h"

#include <algorithm>

#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "logging.h"
#include "transcript.h"
#include "transcriptstore.h"

using namespace TranscriptStore;

namespace {
bool validId(const QString &id)
{
    return !id.isEmpty() && id != QLatin1String(".") && id != QLatin1String("..") && !id.contains(QLatin1Char('/'))
        && !id.contains(QLatin1Char('\\'));
}

// True when a live process holds the store's lock. A stale lock (its
// process is gone) is removed by the check.
bool isActive(const QString &path)
{
    QLockFile lock(path + QLatin1Char('/') + lockFileName());
    lock.setStaleLockTime(0);
    if (lock.tryLock(0)) {
        lock.unlock();
        return false;
    }
    return lock.error() == QLockFile::LockFailedError;
}

qint64 fileSize(const QString &folder, const QString &name)
{
    return QFileInfo(folder + QLatin1Char('/') + name).size();
}

// Keeps the intact entries of a store and cuts whatever follows them: what
// a process killed while recording, or a failed write, left. The caller
// holds the store's lock. `state` is the state recorded afterwards.
bool repair(const QString &path, Meta meta, Meta::State state, QString *errorMessage)
{
    Contents contents;
    contents.files = openFiles(path, false, errorMessage);
    if (!contents.files)
        return false;
    for (int i = 0; i < FileCount; ++i)
        contents.onDisk[i] = fileSize(path, fileName(i));
    qint64 dataEnd[2] = {0, 0};
    qint64 stringsEnd = 0;
    const qint64 intact = intactEntries(contents, dataEnd, &stringsEnd);
    const qint64 sizes[FileCount] = {dataEnd[SentFile], dataEnd[ReceivedFile], stringsEnd, intact * recordSize};
    for (int i = 0; i < FileCount; ++i) {
        if (contents.onDisk[i] == sizes[i])
            continue;
        const QString file = path + QLatin1Char('/') + fileName(i);
        if (::truncate(QFile::encodeName(file).constData(), off_t(sizes[i])) != 0) {
            if (errorMessage)
                *errorMessage = QObject::tr("Cannot repair %1.").arg(QDir::toNativeSeparators(file));
            return false;
        }
    }
    qCInfo(lcTranscript) << "repaired" << path << intact << "of" << contents.entryCount() << "entries";
    if (state == Meta::State::Recovered)
        meta.endTime = QDateTime();
    meta.state = state;
    meta.bytesSent = sizes[SentFile];
    meta.bytesReceived = sizes[ReceivedFile];
    meta.entries = intact;
    // Repairing is idempotent: if the metadata cannot be written (a full
    // disk), the next open repairs again.
    QString error;
    if (!writeMeta(path, meta, &error))
        qCWarning(lcTranscript) << "cannot write the store's metadata:" << error;
    return true;
}

// Whether a store that is not being recorded needs repair(): it was being
// recorded when its process ended, a write failed, or its files do not
// match what was recorded at close.
bool needsRepair(const QString &path, const Meta &meta)
{
    if (meta.state == Meta::State::Recording || !meta.recordingError.isEmpty())
        return true;
    return fileSize(path, fileName(SentFile)) != meta.bytesSent
        || fileSize(path, fileName(ReceivedFile)) != meta.bytesReceived
        || fileSize(path, fileName(EntriesFile)) != meta.entries * recordSize;
}
} // namespace

TranscriptHistory::TranscriptHistory(const QString &folder)
    : m_folder(folder)
{
}

QString TranscriptHistory::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/transcripts");
}

QList<TranscriptHistory::Item> TranscriptHistory::items() const
{
    QList<Item> result;
    const QStringList names = QDir(m_folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        const QString path = m_folder + QLatin1Char('/') + name;
        Meta meta;
        if (!readMeta(path, &meta))
            continue;
        Item item;
        item.id = name;
        item.path = path;
        item.host = meta.host;
        item.port = meta.port;
        item.startTime = meta.startTime;
        item.active = isActive(path);
        item.recovered = meta.state == Meta::State::Recovered || (meta.state == Meta::State::Recording && !item.active);
        if (meta.state == Meta::State::Closed) {
            item.endTime = meta.endTime;
            item.bytesSent = meta.bytesSent;
            item.bytesReceived = meta.bytesReceived;
        } else {
            item.bytesSent = fileSize(path, fileName(SentFile));
            item.bytesReceived = fileSize(path, fileName(ReceivedFile));
        }
        for (int i = 0; i < FileCount; ++i)
            item.diskSize += fileSize(path, fileName(i));
        item.diskSize += fileSize(path, metaFileName());
        result.append(item);
    }
    // Newest first; ids start with their creation time.
    std::sort(result.begin(), result.end(), [](const Item &a, const Item &b) {
        if (a.startTime != b.startTime && a.startTime.isValid() && b.startTime.isValid())
            return a.startTime > b.startTime;
        return a.id > b.id;
    });
    return result;
}

std::shared_ptr<Transcript> TranscriptHistory::createTranscript(const QString &host, quint16 port,
                                                               QString *errorMessage) const
{
    QString error;
    if (makePrivateFolder(m_folder, &error)) {
        const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
        QTemporaryDir dir(m_folder + QLatin1Char('/') + stamp + QStringLiteral("-XXXXXX"));
        dir.setAutoRemove(false);
        if (dir.isValid()) {
            std::shared_ptr<Transcript> transcript(
                new Transcript(Transcript::StoreKind::Kept, dir.path(), &error));
            if (!transcript->storePath().isEmpty()) {
                transcript->setPeer(host, port);
                return transcript;
            }
            QDir(dir.path()).removeRecursively();
        } else {
            error = dir.errorString();
        }
    }
    qCWarning(lcTranscript) << "cannot autosave the transcript:" << error;
    if (errorMessage)
        *errorMessage = error;
    auto transcript = std::make_shared<Transcript>();
    transcript->setPeer(host, port);
    return transcript;
}

std::shared_ptr<Transcript> TranscriptHistory::open(const QString &id, QString *errorMessage) const
{
    const QString path = m_folder + QLatin1Char('/') + id;
    Meta meta;
    if (!validId(id) || !readMeta(path, &meta)) {
        if (errorMessage)
            *errorMessage = QObject::tr("No saved transcript named %1.").arg(id);
        return nullptr;
    }
    QLockFile lock(path + QLatin1Char('/') + lockFileName());
    lock.setStaleLockTime(0);
    // An active store is read as it is now, never repaired.
    if (lock.tryLock(0)) {
        const bool ok = !needsRepair(path, meta)
            || repair(path, meta, meta.state == Meta::State::Recording ? Meta::State::Recovered : meta.state,
                      errorMessage);
        lock.unlock();
        if (!ok)
            return nullptr;
    }
    QString error;
    std::shared_ptr<Transcript> transcript(new Transcript(Transcript::StoreKind::ReadOnly, path, &error));
    if (transcript->storePath().isEmpty()) {
        if (errorMessage)
            *errorMessage = error;
        return nullptr;
    }
    return transcript;
}

bool TranscriptHistory::remove(const QString &id, QString *errorMessage) const
{
    const QString path = m_folder + QLatin1Char('/') + id;
    if (!validId(id) || !QFileInfo(path).isDir()) {
        if (errorMessage)
            *errorMessage = QObject::tr("No saved transcript named %1.").arg(id);
        return false;
    }
    if (isActive(path)) {
        if (errorMessage)
            *errorMessage = QObject::tr("The transcript is being recorded.");
        return false;
    }
    if (!QDir(path).removeRecursively()) {
        if (errorMessage)
            *errorMessage = QObject::tr("Cannot remove %1.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

QStringList TranscriptHistory::enforce(const Limits &limits) const
{
    const QList<Item> all = items();
    qint64 count = all.size();
    qint64 bytes = 0;
    for (const Item &item : all)
        bytes += item.diskSize;
    QStringList removed;
    for (auto it = all.crbegin(); it != all.crend() && (count > limits.maxCount || bytes > limits.maxBytes); ++it) {
        if (it->active || !remove(it->id, nullptr))
            continue;
        removed.append(it->id);
        --count;
        bytes -= it->diskSize;
    }
    return removed;
}
