#include "transcriptstore.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QtEndian>

namespace TranscriptStore {

namespace {
constexpr quint32 flagData = 1;
constexpr quint32 flagReceived = 2;
constexpr quint32 flagText = 4;
constexpr int textRowsShift = 8;
constexpr quint32 maxTextRows = (1u << (32 - textRowsShift)) - 1;
// A text longer than this is damage, not something we wrote.
constexpr quint32 maxTextSize = 16 * 1024 * 1024;

bool preadAll(int fd, char *out, qint64 length, qint64 offset)
{
    while (length > 0) {
        const ssize_t n = ::pread(fd, out, size_t(length), off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        out += n;
        length -= n;
        offset += n;
    }
    return true;
}
} // namespace

QString fileName(int file)
{
    switch (file) {
    case SentFile:
        return QStringLiteral("sent.bin");
    case ReceivedFile:
        return QStringLiteral("received.bin");
    case StringsFile:
        return QStringLiteral("strings.bin");
    default:
        return QStringLiteral("entries.bin");
    }
}

void Record::encode(char *out) const
{
    const quint32 rows = data && textRows <= maxTextRows ? textRows : 0;
    const quint32 flags = (data ? flagData : 0) | (received ? flagReceived : 0) | (text >= 0 ? flagText : 0)
        | (rows << textRowsShift);
    qToLittleEndian<quint32>(flags, out);
    qToLittleEndian<quint32>(size, out + 4);
    qToLittleEndian<qint64>(tMs, out + 8);
    qToLittleEndian<qint64>(wallMs, out + 16);
    qToLittleEndian<qint64>(offset, out + 24);
    qToLittleEndian<qint64>(text, out + 32);
}

Record Record::decode(const char *in)
{
    Record r;
    const auto flags = qFromLittleEndian<quint32>(in);
    r.data = flags & flagData;
    r.received = flags & flagReceived;
    r.size = qFromLittleEndian<quint32>(in + 4);
    r.tMs = qFromLittleEndian<qint64>(in + 8);
    r.wallMs = qFromLittleEndian<qint64>(in + 16);
    r.offset = qFromLittleEndian<qint64>(in + 24);
    r.text = (flags & flagText) ? qFromLittleEndian<qint64>(in + 32) : -1;
    r.textRows = r.data ? flags >> textRowsShift : 0;
    return r;
}

Files::~Files()
{
    for (int descriptor : fd) {
        if (descriptor >= 0)
            ::close(descriptor);
    }
}

bool Contents::readAt(int file, qint64 offset, qint64 length, char *out) const
{
    if (offset < 0 || length < 0 || offset + length > size(file))
        return false;
    const qint64 fromDisk = qBound<qint64>(0, onDisk[file] - offset, length);
    if (fromDisk > 0 && (!files || !preadAll(files->fd[file], out, fromDisk, offset)))
        return false;
    qint64 at = offset + fromDisk; // the next byte to copy
    qint64 left = length - fromDisk;
    qint64 blockStart = onDisk[file];
    const auto copyFrom = [&](const QByteArray &block) {
        const qint64 blockEnd = blockStart + block.size();
        if (left > 0 && at < blockEnd) {
            const qint64 n = std::min(left, blockEnd - at);
            std::memcpy(out + (at - offset), block.constData() + (at - blockStart), size_t(n));
            at += n;
            left -= n;
        }
        blockStart = blockEnd;
    };
    for (const QByteArray &block : pending[file]) {
        if (left == 0)
            break;
        copyFrom(block);
    }
    copyFrom(tail[file]);
    return left == 0;
}

Writer::Writer(std::shared_ptr<const Files> files, const qint64 *onDisk)
    : m_files(std::move(files))
{
    std::copy(onDisk, onDisk + FileCount, m_written);
}

Writer::~Writer()
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void Writer::enqueue(int file, const QByteArray &block)
{
    if (block.isEmpty())
        return;
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.emplace_back(file, block);
        m_queued += block.size();
    }
    if (!m_thread.joinable()) // started with the first block: most stores of short sessions never need it
        m_thread = std::thread([this] { run(); });
    m_wake.notify_one();
}

qint64 Writer::queuedBytes() const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_queued;
}

void Writer::waitForQueuedAtMost(qint64 bytes)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_progress.wait(lock, [&] { return m_queued <= bytes || m_error != 0; });
}

int Writer::progress(qint64 *written, int *errorFile) const
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    std::copy(m_written, m_written + FileCount, written);
    *errorFile = m_errorFile;
    return m_error;
}

void Writer::run()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty())
            return; // stopping, everything written
        const auto [file, block] = m_queue.front();
        const qint64 offset = m_written[file];
        const bool failed = m_error != 0;
        lock.unlock();
        int error = 0;
        if (!failed) {
            qint64 done = 0;
            while (done < block.size()) {
                const ssize_t n = ::pwrite(m_files->fd[file], block.constData() + done, size_t(block.size() - done),
                                           off_t(offset + done));
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    error = n < 0 ? errno : EIO;
                    break;
                }
                done += n;
            }
        }
        lock.lock();
        m_queue.pop_front();
        m_queued -= block.size();
        if (error != 0 && m_error == 0) {
            m_error = error;
            m_errorFile = file;
        } else if (!failed && error == 0) {
            m_written[file] += block.size();
        }
        m_progress.notify_all();
    }
}

QByteArray Contents::read(int file, qint64 offset, qint64 maxLength) const
{
    if (offset < 0 || maxLength <= 0 || offset >= size(file))
        return {};
    const qint64 length = std::min(maxLength, size(file) - offset);
    QByteArray out(length, Qt::Uninitialized);
    if (!readAt(file, offset, length, out.data()))
        return {};
    return out;
}

bool Contents::record(qint64 index, Record *out) const
{
    char buffer[recordSize];
    if (index < 0 || index >= entryCount() || !readAt(EntriesFile, index * recordSize, recordSize, buffer))
        return false;
    *out = Record::decode(buffer);
    return true;
}

bool Contents::text(qint64 offset, QString *out, qint64 *next) const
{
    char lengthBytes[4];
    if (!readAt(StringsFile, offset, 4, lengthBytes))
        return false;
    const auto length = qFromLittleEndian<quint32>(lengthBytes);
    if (length > maxTextSize)
        return false;
    QByteArray utf8(qsizetype(length), Qt::Uninitialized);
    if (!readAt(StringsFile, offset + 4, length, utf8.data()))
        return false;
    *out = QString::fromUtf8(utf8);
    if (next)
        *next = offset + 4 + length;
    return true;
}

namespace {
Transcript::Entry entryOf(const Contents &contents, const Record &r)
{
    Transcript::Entry e;
    e.tMs = r.tMs;
    e.wallMs = r.wallMs;
    if (r.data) {
        e.kind = Transcript::Kind::Data;
        e.direction = r.received ? Transcript::Direction::Received : Transcript::Direction::Sent;
        e.offset = r.offset;
        e.size = r.size;
        e.textRows = r.textRows;
        if (r.text >= 0)
            contents.text(r.text, &e.source);
    } else {
        e.kind = Transcript::Kind::Event;
        qint64 next = 0;
        if (r.text >= 0 && contents.text(r.text, &e.event, &next))
            contents.text(next, &e.detail);
    }
    return e;
}
} // namespace

Transcript::Entry Contents::entry(qint64 index) const
{
    Record r;
    if (!record(index, &r))
        return {};
    return entryOf(*this, r);
}

QList<Transcript::Entry> Contents::entries(qint64 first, qint64 count) const
{
    QList<Transcript::Entry> out;
    first = std::max<qint64>(0, first);
    count = std::min(count, entryCount() - first);
    if (count <= 0)
        return out;
    QByteArray buffer(count * recordSize, Qt::Uninitialized);
    if (!readAt(EntriesFile, first * recordSize, count * recordSize, buffer.data()))
        return out;
    out.reserve(count);
    qint64 lastText = -1;
    bool lastData = false;
    for (qint64 i = 0; i < count; ++i) {
        const Record r = Record::decode(buffer.constData() + i * recordSize);
        if (r.data && r.text >= 0 && lastData && r.text == lastText) {
            // The same source text as the previous datagram: shared, not re-read.
            Record withoutText = r;
            withoutText.text = -1;
            Transcript::Entry e = entryOf(*this, withoutText);
            e.source = out.constLast().source;
            out.append(e);
        } else {
            out.append(entryOf(*this, r));
        }
        lastText = r.text;
        lastData = r.data;
    }
    return out;
}

QByteArray Contents::data(qint64 index) const
{
    Record r;
    if (!record(index, &r) || !r.data)
        return {};
    return read(r.received ? ReceivedFile : SentFile, r.offset, r.size);
}

std::shared_ptr<const Files> openFiles(const QString &folder, bool writable, QString *errorMessage)
{
    auto files = std::make_shared<Files>();
    for (int i = 0; i < FileCount; ++i) {
        const QByteArray path = QFile::encodeName(folder + QLatin1Char('/') + fileName(i));
        const int flags = writable ? (O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC);
        int fd = -1;
        do {
            fd = ::open(path.constData(), flags, 0600);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            if (errorMessage) {
                *errorMessage = QStringLiteral("%1: %2").arg(QFile::decodeName(path),
                                                             QString::fromLocal8Bit(std::strerror(errno)));
            }
            return nullptr;
        }
        files->fd[i] = fd;
    }
    return files;
}

qint64 intactEntries(const Contents &contents, qint64 *dataEnd, qint64 *stringsEnd)
{
    const qint64 count = contents.entryCount();
    qint64 expected[2] = {0, 0};
    qint64 textEnd = 0;
    constexpr qint64 block = 4096;
    QByteArray buffer(block * recordSize, Qt::Uninitialized);
    qint64 intact = 0;
    for (qint64 first = 0; first < count; first += block) {
        const qint64 n = std::min(block, count - first);
        if (!contents.readAt(EntriesFile, first * recordSize, n * recordSize, buffer.data()))
            break;
        qint64 i = 0;
        for (; i < n; ++i) {
            const Record r = Record::decode(buffer.constData() + i * recordSize);
            if (r.data) {
                const int file = r.received ? ReceivedFile : SentFile;
                if (r.size == 0 || r.size > Transcript::maxChunkSize || r.offset != expected[file]
                    || r.offset + r.size > contents.size(file)) {
                    break;
                }
                expected[file] += r.size;
            }
            if (r.text >= 0) {
                QString ignored;
                qint64 next = 0;
                if (!contents.text(r.text, &ignored, &next) || (!r.data && !contents.text(next, &ignored, &next)))
                    break;
                textEnd = std::max(textEnd, next);
            }
        }
        intact = first + i;
        if (i < n)
            break;
    }
    if (dataEnd) {
        dataEnd[SentFile] = expected[SentFile];
        dataEnd[ReceivedFile] = expected[ReceivedFile];
    }
    if (stringsEnd)
        *stringsEnd = textEnd;
    return intact;
}

bool makePrivateFolder(const QString &path, QString *errorMessage)
{
    QDir dir(path);
    if (!dir.exists() && !QDir().mkpath(path)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("Cannot create the folder %1.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    if (!QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner)) {
        if (errorMessage)
            *errorMessage = QStringLiteral("Cannot make the folder %1 private.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

bool writePrivateFile(const QString &path, const QByteArray &contents, QString *errorMessage)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        && file.write(contents) == contents.size() && file.commit()) {
        return true;
    }
    if (errorMessage)
        *errorMessage = file.errorString();
    return false;
}

namespace {
QString stateName(Meta::State state)
{
    switch (state) {
    case Meta::State::Recording:
        return QStringLiteral("recording");
    case Meta::State::Closed:
        return QStringLiteral("closed");
    case Meta::State::Recovered:
        return QStringLiteral("recovered");
    }
    return {};
}

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}
} // namespace

QByteArray Meta::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("format"), QStringLiteral("socketeer-store"));
    o.insert(QStringLiteral("version"), 1);
    o.insert(QStringLiteral("host"), host);
    o.insert(QStringLiteral("port"), int(port));
    o.insert(QStringLiteral("start"), timeText(startTime));
    o.insert(QStringLiteral("end"), timeText(endTime));
    o.insert(QStringLiteral("state"), stateName(state));
    o.insert(QStringLiteral("sent"), double(bytesSent));
    o.insert(QStringLiteral("received"), double(bytesReceived));
    o.insert(QStringLiteral("entries"), double(entries));
    if (!recordingError.isEmpty())
        o.insert(QStringLiteral("recording_error"), recordingError);
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

bool Meta::fromJson(const QByteArray &json, Meta *out)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return false;
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("socketeer-store"))
        return false;
    Meta m;
    m.host = o.value(QStringLiteral("host")).toString();
    m.port = quint16(o.value(QStringLiteral("port")).toInt());
    m.startTime = QDateTime::fromString(o.value(QStringLiteral("start")).toString(), Qt::ISODateWithMs).toUTC();
    m.endTime = QDateTime::fromString(o.value(QStringLiteral("end")).toString(), Qt::ISODateWithMs).toUTC();
    const QString state = o.value(QStringLiteral("state")).toString();
    m.state = state == QLatin1String("closed")  ? State::Closed
        : state == QLatin1String("recovered") ? State::Recovered
                                              : State::Recording;
    m.bytesSent = qint64(o.value(QStringLiteral("sent")).toDouble());
    m.bytesReceived = qint64(o.value(QStringLiteral("received")).toDouble());
    m.entries = qint64(o.value(QStringLiteral("entries")).toDouble());
    m.recordingError = o.value(QStringLiteral("recording_error")).toString();
    *out = m;
    return true;
}

bool readMeta(const QString &folder, Meta *out)
{
    QFile file(folder + QLatin1Char('/') + metaFileName());
    if (!file.open(QIODevice::ReadOnly))
        return false;
    // A meta file is a few hundred bytes; anything far larger is not ours.
    return Meta::fromJson(file.read(64 * 1024), out);
}

bool writeMeta(const QString &folder, const Meta &meta, QString *errorMessage)
{
    return writePrivateFile(folder + QLatin1Char('/') + metaFileName(), meta.toJson(), errorMessage);
}

} // namespace TranscriptStore
