#include "transcript.h"

#include <algorithm>

Transcript::Transcript(QObject *parent)
    : QObject(parent)
{
}

Transcript::~Transcript() = default;

void Transcript::setPeer(const QString &host, quint16 port)
{
    m_host = host;
    m_port = port;
}

void Transcript::start()
{
    m_start = QDateTime::currentDateTimeUtc();
    m_clock.start();
}

QDateTime Transcript::startTime() const
{
    return m_start;
}

void Transcript::setStartTime(const QDateTime &utc)
{
    m_start = utc.toUTC();
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

void Transcript::appendDataAt(Direction direction, QByteArrayView bytes, qint64 tMs, qint64 wallMs,
                              const QString &source)
{
    if (bytes.isEmpty())
        return;
    const qint64 first = m_entries.size();
    qsizetype sourceIndex = -1;
    if (!source.isEmpty()) {
        sourceIndex = m_sources.size();
        m_sources.append(source);
    }
    QByteArray &stream = m_stream[streamIndex(direction)];
    for (qint64 pos = 0; pos < bytes.size(); pos += maxChunkSize) {
        const qint64 size = std::min(maxChunkSize, bytes.size() - pos);
        m_entries.append(Record{Kind::Data, direction, tMs, wallMs, stream.size(), size, sourceIndex});
        stream.append(bytes.sliced(pos, size));
    }
    appended(first);
}

void Transcript::appendEventAt(const QString &name, const QString &detail, qint64 tMs, qint64 wallMs)
{
    const qint64 first = m_entries.size();
    m_entries.append(Record{Kind::Event, Direction::Received, tMs, wallMs, 0, 0, m_events.size()});
    m_events.append(EventText{name, detail});
    appended(first);
}

// Announces entries [first, entryCount()) once the state is complete.
void Transcript::appended(qint64 first)
{
    const bool wasModified = m_modified;
    m_modified = true;
    Q_EMIT entriesAppended(first, entryCount() - first);
    if (!wasModified)
        Q_EMIT modifiedChanged(true);
}

Transcript::Entry Transcript::entry(qint64 index) const
{
    if (index < 0 || index >= entryCount())
        return {};
    const Record &record = m_entries.at(index);
    Entry result;
    result.kind = record.kind;
    result.tMs = record.tMs;
    result.wallMs = record.wallMs;
    if (record.kind == Kind::Data) {
        result.direction = record.direction;
        result.offset = record.offset;
        result.size = record.size;
        if (record.eventIndex >= 0)
            result.source = m_sources.at(record.eventIndex);
    } else {
        const EventText &text = m_events.at(record.eventIndex);
        result.event = text.name;
        result.detail = text.detail;
    }
    return result;
}

QByteArray Transcript::data(qint64 index) const
{
    if (index < 0 || index >= entryCount())
        return {};
    const Record &record = m_entries.at(index);
    if (record.kind != Kind::Data)
        return {};
    return read(record.direction, record.offset, record.size);
}

QByteArray Transcript::read(Direction direction, qint64 offset, qint64 maxLength) const
{
    const QByteArray &stream = m_stream[streamIndex(direction)];
    if (offset < 0 || maxLength <= 0)
        return {};
    return stream.mid(offset, maxLength);
}

qint64 Transcript::totalBytes(Direction direction) const
{
    return m_stream[streamIndex(direction)].size();
}

bool Transcript::hasData() const
{
    return !m_stream[0].isEmpty() || !m_stream[1].isEmpty();
}

void Transcript::setModified(bool modified)
{
    if (m_modified == modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}
