#include "transcriptsnapshot.h"

#include "transcriptstore.h"

using namespace TranscriptStore;

// The store's descriptors and file sizes as of the snapshot, plus the bytes
// still in memory then (not written yet, or left by a failed write). Reads are preads, so
// copies on several threads do not disturb each other or the Transcript.
struct TranscriptSnapshot::Data {
    QString host;
    quint16 port = 0;
    QDateTime start;
    Contents contents;
};

TranscriptSnapshot::TranscriptSnapshot()
    : d(std::make_shared<const Data>())
{
}

TranscriptSnapshot::~TranscriptSnapshot() = default;
TranscriptSnapshot::TranscriptSnapshot(const TranscriptSnapshot &) = default;
TranscriptSnapshot &TranscriptSnapshot::operator=(const TranscriptSnapshot &) = default;

QString TranscriptSnapshot::host() const { return d->host; }
quint16 TranscriptSnapshot::port() const { return d->port; }
QDateTime TranscriptSnapshot::startTime() const { return d->start; }
qint64 TranscriptSnapshot::entryCount() const { return d->contents.entryCount(); }

Transcript::Entry TranscriptSnapshot::entry(qint64 index) const
{
    return d->contents.entry(index);
}

QByteArray TranscriptSnapshot::data(qint64 index) const
{
    return d->contents.data(index);
}

QByteArray TranscriptSnapshot::read(Transcript::Direction direction, qint64 offset, qint64 maxLength) const
{
    return d->contents.read(fileOf(direction), offset, maxLength);
}

qint64 TranscriptSnapshot::totalBytes(Transcript::Direction direction) const
{
    return d->contents.size(fileOf(direction));
}

bool TranscriptSnapshot::hasData() const
{
    return totalBytes(Transcript::Direction::Sent) > 0 || totalBytes(Transcript::Direction::Received) > 0;
}

// Hands the buffered appends to the writer first (without waiting), so that
// the snapshot shares descriptors, sizes and the blocks not written yet.
TranscriptSnapshot Transcript::snapshot() const
{
    auto *self = const_cast<Transcript *>(this);
    self->handOverAll();
    self->reap();
    auto data = std::make_shared<TranscriptSnapshot::Data>();
    data->host = m_host;
    data->port = m_port;
    data->start = m_start;
    data->contents.files = m_contents->files;
    for (int i = 0; i < FileCount; ++i) {
        data->contents.onDisk[i] = m_contents->onDisk[i];
        data->contents.pending[i] = m_contents->pending[i];
        data->contents.pendingBytes[i] = m_contents->pendingBytes[i];
        // An empty tail is not shared: the Transcript keeps its buffer.
        if (!m_contents->tail[i].isEmpty())
            data->contents.tail[i] = m_contents->tail[i];
    }
    TranscriptSnapshot result;
    result.d = std::move(data);
    return result;
}
