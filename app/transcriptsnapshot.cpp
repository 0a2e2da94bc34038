#include "transcriptsnapshot.h"

#include <QList>

// Interim implementation over the in-memory Transcript: implicitly shared
// copies of its lists. The disk-backed store replaces it.
struct TranscriptSnapshot::Data {
    QString host;
    quint16 port = 0;
    QDateTime start;
    QList<Transcript::Entry> entries;
    QByteArray streams[2];
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
qint64 TranscriptSnapshot::entryCount() const { return d->entries.size(); }

Transcript::Entry TranscriptSnapshot::entry(qint64 index) const
{
    if (index < 0 || index >= entryCount())
        return {};
    return d->entries.at(index);
}

QByteArray TranscriptSnapshot::data(qint64 index) const
{
    const Transcript::Entry e = entry(index);
    if (e.kind != Transcript::Kind::Data)
        return {};
    return read(e.direction, e.offset, e.size);
}

QByteArray TranscriptSnapshot::read(Transcript::Direction direction, qint64 offset, qint64 maxLength) const
{
    if (offset < 0 || maxLength <= 0)
        return {};
    return d->streams[direction == Transcript::Direction::Sent ? 0 : 1].mid(offset, maxLength);
}

qint64 TranscriptSnapshot::totalBytes(Transcript::Direction direction) const
{
    return d->streams[direction == Transcript::Direction::Sent ? 0 : 1].size();
}

bool TranscriptSnapshot::hasData() const
{
    return totalBytes(Transcript::Direction::Sent) > 0 || totalBytes(Transcript::Direction::Received) > 0;
}

TranscriptSnapshot Transcript::snapshot() const
{
    auto data = std::make_shared<TranscriptSnapshot::Data>();
    data->host = m_host;
    data->port = m_port;
    data->start = m_start;
    data->entries.reserve(m_entries.size());
    for (qint64 i = 0; i < entryCount(); ++i)
        data->entries.append(entry(i));
    data->streams[0] = m_stream[0];
    data->streams[1] = m_stream[1];
    TranscriptSnapshot result;
    result.d = std::move(data);
    return result;
}
