#include "transcriptlayout.h"

#include <algorithm>
#include <cstring>

#include "transcripttext.h"

namespace {

constexpr qsizetype cacheEntries = 256;
constexpr qint64 cacheBytes = 8 * 1024 * 1024;
constexpr qint64 blockEntries = 512; // entries read at once

int dirIndex(Transcript::Direction direction)
{
    return direction == Transcript::Direction::Sent ? 0 : 1;
}

// Cuts `bytes` into text rows (see TranscriptLayout): returns their number
// and, if `starts` is given, appends the offset of each.
qint64 cutRows(QByteArrayView bytes, QList<qint64> *starts)
{
    const char *p = bytes.data();
    const qsizetype size = bytes.size();
    qint64 rows = 0;
    qsizetype pos = 0;
    while (pos < size) {
        const void *newline = std::memchr(p + pos, '\n', size_t(size - pos));
        const qsizetype lineEnd = newline ? static_cast<const char *>(newline) - p + 1 : size;
        qsizetype start = pos;
        while (lineEnd - start > TranscriptLayout::maxRowBytes) {
            qsizetype cut = start + TranscriptLayout::maxRowBytes;
            // Before a byte that continues no UTF-8 sequence, if there is one
            // within the last 3 bytes: then no valid sequence spans the cut.
            for (qsizetype q = cut; q > cut - 4 && q > start; --q) {
                if ((static_cast<uchar>(p[q]) & 0xC0) != 0x80) {
                    cut = q;
                    break;
                }
            }
            if (starts)
                starts->append(start);
            ++rows;
            start = cut;
        }
        if (starts)
            starts->append(start);
        ++rows;
        pos = lineEnd;
    }
    return rows;
}

constexpr char hexDigits[] = "0123456789abcdef";

int offsetDigits(qint64 offset)
{
    int digits = 8;
    while (digits < 16 && (offset >> (4 * digits)) != 0)
        ++digits;
    return digits;
}

// Column of byte `i` (0..15) of a hex row's body after an offset of `digits`.
qsizetype hexColumn(int digits, qint64 i)
{
    return digits + 2 + 3 * i + (i >= 8 ? 1 : 0);
}

} // namespace

TranscriptLayout::TranscriptLayout(qsizetype maxCheckpoints)
    : m_maxCheckpoints(std::max<qsizetype>(2, maxCheckpoints))
{
}

qint64 TranscriptLayout::countTextRows(QByteArrayView bytes)
{
    return cutRows(bytes, nullptr);
}

void TranscriptLayout::setTranscript(const Transcript *transcript)
{
    m_transcript = transcript;
    m_stride = 1;
    m_checkpoints.clear();
    m_checkpoints.squeeze();
    m_indexedEntries = 0;
    m_textRows = 0;
    m_hexRows = 0;
    m_end = Cursor();
    m_cache.clear();
    m_cacheBytes = 0;
    m_block.clear();
    m_blockFirst = 0;
    m_hintValid[0] = m_hintValid[1] = false;
}

Transcript::Entry TranscriptLayout::entryAt(qint64 index) const
{
    if (index < m_blockFirst || index >= m_blockFirst + m_block.size()) {
        m_block = m_transcript->entries(index, blockEntries);
        m_blockFirst = index;
        if (m_block.isEmpty())
            return m_transcript->entry(index);
    }
    return m_block.at(qsizetype(index - m_blockFirst));
}

template<typename Usable>
TranscriptLayout::Cursor TranscriptLayout::startFrom(Mode mode, const Cursor &from, Usable usable) const
{
    const int m = mode == Mode::Text ? 0 : 1;
    if (m_hintValid[m] && m_hint[m].entry > from.entry && m_hint[m].entry <= m_indexedEntries && usable(m_hint[m]))
        return m_hint[m];
    return from;
}

void TranscriptLayout::remember(Mode mode, const Cursor &cursor) const
{
    const int m = mode == Mode::Text ? 0 : 1;
    m_hint[m] = cursor;
    m_hintValid[m] = true;
}

bool TranscriptLayout::isComplete() const
{
    return !m_transcript || m_indexedEntries >= m_transcript->entryCount();
}

qint64 TranscriptLayout::indexBytes() const
{
    return qint64(m_checkpoints.capacity()) * qint64(sizeof(Cursor));
}

qint64 TranscriptLayout::indexMore(qint64 byteBudget)
{
    if (!m_transcript)
        return 0;
    const qint64 total = m_transcript->entryCount();
    qint64 bytes = 0;
    qint64 entries = 0;
    while (m_end.entry < total && (entries == 0 || bytes < byteBudget)) {
        if (m_end.entry % m_stride == 0) {
            m_checkpoints.append(m_end);
            if (m_checkpoints.size() > m_maxCheckpoints) {
                // Keep checkpoints 0, 2, 4...: those of entries at multiples of the doubled stride.
                qsizetype kept = 0;
                for (qsizetype i = 0; i < m_checkpoints.size(); i += 2)
                    m_checkpoints[kept++] = m_checkpoints.at(i);
                m_checkpoints.resize(kept);
                m_stride *= 2;
            }
        }
        const Transcript::Entry info = entryAt(m_end.entry);
        qint64 textRows = 0;
        qint64 hexRows = 0;
        if (info.kind == Transcript::Kind::Data) {
            // A recorded row count costs no read: count the record only.
            textRows = info.textRows > 0 ? info.textRows : cutRows(m_transcript->data(m_end.entry), nullptr);
            bytes += info.textRows > 0 ? recordedEntryCost : info.size;
        }
        step(m_end, info, &textRows, &hexRows);
        ++entries;
    }
    m_indexedEntries = m_end.entry;
    m_textRows = m_end.textRow;
    m_hexRows = m_end.hexRow;
    return entries;
}

bool TranscriptLayout::opensRun(const Transcript::Entry &info, const Cursor &cursor)
{
    return !info.source.isEmpty() || cursor.openRun != dirIndex(info.direction);
}

qint64 TranscriptLayout::hexRowsOf(const Transcript::Entry &info, bool runStart)
{
    if (info.kind == Transcript::Kind::Event)
        return 1;
    if (info.size <= 0)
        return 0;
    const qint64 o = info.offset;
    const qint64 last = o + info.size - 1;
    if (runStart)
        return 1 + last / hexRowBytes - o / hexRowBytes;
    return last / hexRowBytes - (o - 1) / hexRowBytes; // multiples of 16 in [o, last]; o > 0 here
}

qint64 TranscriptLayout::hexRowStart(const Transcript::Entry &info, bool runStart, qint64 index)
{
    const qint64 o = info.offset;
    if (runStart)
        return index == 0 ? o : (o / hexRowBytes + index) * hexRowBytes;
    return ((o + hexRowBytes - 1) / hexRowBytes + index) * hexRowBytes;
}

// `textRows`, if not zero on entry, is the entry's text row count already
// known; otherwise text rows are left uncounted (0) unless cheap (events).
void TranscriptLayout::step(Cursor &cursor, const Transcript::Entry &info, qint64 *textRows, qint64 *hexRows) const
{
    if (info.kind == Transcript::Kind::Event) {
        *textRows = 1;
        *hexRows = 1;
        cursor.openRun = -1;
    } else {
        const int d = dirIndex(info.direction);
        *hexRows = hexRowsOf(info, opensRun(info, cursor));
        cursor.before[d] += info.size;
        cursor.openRun = info.source.isEmpty() ? d : -1;
    }
    cursor.textRow += *textRows;
    cursor.hexRow += *hexRows;
    ++cursor.entry;
}

const TranscriptLayout::EntryRows &TranscriptLayout::textRows(qint64 entry) const
{
    auto it = m_cache.constFind(entry);
    if (it != m_cache.constEnd())
        return *it;
    if (m_cache.size() >= cacheEntries || m_cacheBytes >= cacheBytes) {
        m_cache.clear();
        m_cacheBytes = 0;
    }
    EntryRows rows;
    const Transcript::Entry info = entryAt(entry);
    rows.data = info.kind == Transcript::Kind::Data ? m_transcript->read(info.direction, info.offset, info.size)
                                                    : QByteArray();
    cutRows(rows.data, &rows.starts);
    m_cacheBytes += rows.data.size();
    return *m_cache.insert(entry, rows);
}

qint64 TranscriptLayout::textRowsOf(qint64 entry, const Transcript::Entry &info) const
{
    if (info.kind == Transcript::Kind::Event)
        return 1;
    if (info.textRows > 0)
        return info.textRows;
    return textRows(entry).starts.size();
}

TranscriptLayout::Cursor TranscriptLayout::cursorForRow(Mode mode, qint64 row) const
{
    const bool text = mode == Mode::Text;
    auto it = std::upper_bound(m_checkpoints.cbegin(), m_checkpoints.cend(), row,
                               [text](qint64 value, const Cursor &c) { return value < (text ? c.textRow : c.hexRow); });
    Cursor cursor = startFrom(mode, it == m_checkpoints.cbegin() ? Cursor() : *(it - 1),
                              [text, row](const Cursor &c) { return (text ? c.textRow : c.hexRow) <= row; });
    while (cursor.entry < m_indexedEntries) {
        const Transcript::Entry info = entryAt(cursor.entry);
        Cursor next = cursor;
        qint64 textRows = text ? textRowsOf(cursor.entry, info) : 0;
        qint64 hexRows = 0;
        step(next, info, &textRows, &hexRows);
        if ((text ? next.textRow : next.hexRow) > row)
            break;
        cursor = next;
    }
    remember(mode, cursor);
    return cursor;
}

QList<TranscriptLayout::Row> TranscriptLayout::rows(Mode mode, qint64 first, qint64 count) const
{
    QList<Row> result;
    first = std::max<qint64>(0, first);
    if (!m_transcript || count <= 0 || first >= rowCount(mode))
        return result;
    const bool text = mode == Mode::Text;
    Cursor cursor = cursorForRow(mode, first);
    qint64 within = first - (text ? cursor.textRow : cursor.hexRow);
    while (result.size() < count && cursor.entry < m_indexedEntries) {
        const qint64 e = cursor.entry;
        const Transcript::Entry info = entryAt(e);
        if (info.kind == Transcript::Kind::Event) {
            if (within == 0)
                result.append(Row{e, info, 0, 0, false});
        } else if (text) {
            const EntryRows &rows = textRows(e);
            const qsizetype n = rows.starts.size();
            for (qsizetype k = within; k < n && result.size() < count; ++k) {
                const qint64 begin = rows.starts.at(k);
                const qint64 end = k + 1 < n ? rows.starts.at(k + 1) : rows.data.size();
                const bool continuation = begin > 0 && rows.data.at(begin - 1) != '\n';
                result.append(Row{e, info, begin, end, continuation});
            }
        } else {
            const bool runStart = opensRun(info, cursor);
            const qint64 n = hexRowsOf(info, runStart);
            for (qint64 k = within; k < n && result.size() < count; ++k) {
                const qint64 begin = hexRowStart(info, runStart, k);
                result.append(Row{e, info, begin, hexRowEnd(e, info, begin), false});
            }
        }
        qint64 textRows = text ? textRowsOf(e, info) : 0;
        qint64 hexRows = 0;
        step(cursor, info, &textRows, &hexRows);
        within = 0;
    }
    return result;
}

qint64 TranscriptLayout::hexRowEnd(qint64 entry, const Transcript::Entry &info, qint64 begin) const
{
    const qint64 end = (begin / hexRowBytes + 1) * hexRowBytes;
    qint64 limit = info.offset + info.size;
    for (qint64 e = entry + 1; end > limit && info.source.isEmpty() && e < m_indexedEntries; ++e) {
        const Transcript::Entry next = entryAt(e);
        if (next.kind != Transcript::Kind::Data || next.direction != info.direction || !next.source.isEmpty())
            break;
        limit += next.size;
    }
    return std::min(end, limit);
}

qint64 TranscriptLayout::firstRowOfEntry(Mode mode, qint64 entry) const
{
    if (!m_transcript || entry < 0 || entry >= m_indexedEntries)
        return -1;
    const bool text = mode == Mode::Text;
    const qsizetype checkpoint = std::min<qsizetype>(m_checkpoints.size() - 1, qsizetype(entry / m_stride));
    Cursor cursor = startFrom(mode, m_checkpoints.at(checkpoint), [entry](const Cursor &c) { return c.entry <= entry; });
    while (cursor.entry < entry) {
        const Transcript::Entry info = entryAt(cursor.entry);
        qint64 textRows = text ? textRowsOf(cursor.entry, info) : 0;
        qint64 hexRows = 0;
        step(cursor, info, &textRows, &hexRows);
    }
    remember(mode, cursor);
    return text ? cursor.textRow : cursor.hexRow;
}

bool TranscriptLayout::rowOfByte(Mode mode, Transcript::Direction direction, qint64 offset, bool withTimes,
                                 qint64 *row, qsizetype *column) const
{
    if (!m_transcript || offset < 0 || m_checkpoints.isEmpty())
        return false;
    const int d = dirIndex(direction);
    const bool text = mode == Mode::Text;
    // The last checkpoint with no more than `offset` bytes before it: the
    // byte is in one of the next stride() entries.
    auto it = std::upper_bound(m_checkpoints.cbegin(), m_checkpoints.cend(), offset,
                               [d](qint64 value, const Cursor &c) { return value < c.before[d]; });
    Cursor cursor = startFrom(mode, *(it - 1), [d, offset](const Cursor &c) { return c.before[d] <= offset; });
    while (cursor.entry < m_indexedEntries) {
        const qint64 e = cursor.entry;
        const Transcript::Entry info = entryAt(e);
        if (info.kind == Transcript::Kind::Data && dirIndex(info.direction) == d && offset >= info.offset
            && offset < info.offset + info.size) {
            remember(mode, cursor);
            const qint64 inEntry = offset - info.offset;
            if (text) {
                const EntryRows &rows = textRows(e);
                if (rows.starts.isEmpty() || inEntry > rows.data.size())
                    return false; // the store gave back less than it holds
                const qsizetype k = std::upper_bound(rows.starts.cbegin(), rows.starts.cend(), inEntry)
                    - rows.starts.cbegin() - 1;
                const qint64 begin = rows.starts.at(k);
                const Row r{e, info, begin, k + 1 < rows.starts.size() ? rows.starts.at(k + 1) : rows.data.size(),
                            begin > 0 && rows.data.at(begin - 1) != '\n'};
                *row = cursor.textRow + k;
                *column = head(mode, r, withTimes).size()
                    + TranscriptText::escape(QByteArrayView(rows.data).sliced(begin, inEntry - begin)).size();
            } else {
                // The row may have started in an earlier entry of the run.
                const bool runStart = opensRun(info, cursor);
                const qint64 n = hexRowsOf(info, runStart);
                qint64 k = -1;
                while (k + 1 < n && hexRowStart(info, runStart, k + 1) <= offset)
                    ++k;
                *row = cursor.hexRow + k;
                const QList<Row> found = rows(mode, *row, 1);
                if (found.isEmpty())
                    return false;
                const Row &r = found.first();
                *column = head(mode, r, withTimes).size()
                    + hexColumn(offsetDigits(r.begin / hexRowBytes * hexRowBytes), offset % hexRowBytes);
            }
            return true;
        }
        qint64 textRows = text ? textRowsOf(e, info) : 0;
        qint64 hexRows = 0;
        step(cursor, info, &textRows, &hexRows);
    }
    return false;
}

bool TranscriptLayout::nextDataByte(qint64 entry, Transcript::Direction *direction, qint64 *offset) const
{
    for (qint64 e = std::max<qint64>(0, entry); m_transcript && e < m_indexedEntries; ++e) {
        const Transcript::Entry info = entryAt(e);
        if (info.kind == Transcript::Kind::Data && info.size > 0) {
            *direction = info.direction;
            *offset = info.offset;
            return true;
        }
    }
    return false;
}

bool TranscriptLayout::byteAt(Mode mode, qint64 row, qsizetype column, bool withTimes,
                              Transcript::Direction *direction, qint64 *offset) const
{
    const QList<Row> found = rows(mode, row, 1);
    if (found.isEmpty())
        return false;
    const Row &r = found.first();
    if (r.isEvent())
        return nextDataByte(r.entry + 1, direction, offset);
    const qsizetype inBody = std::max<qsizetype>(0, column - head(mode, r, withTimes).size());
    // The byte after the row's last one, which is in entry `last`.
    const auto after = [&](qint64 last, const Transcript::Entry &lastInfo, qint64 streamOffset) {
        if (streamOffset < lastInfo.offset + lastInfo.size || !nextDataByte(last + 1, direction, offset)) {
            *direction = lastInfo.direction;
            *offset = streamOffset;
        }
        return true;
    };
    if (mode == Mode::Text) {
        const EntryRows &rows = textRows(r.entry);
        const qint64 end = std::min<qint64>(r.end, rows.data.size());
        const qint64 begin = std::min<qint64>(r.begin, end);
        const qint64 at = begin + TranscriptText::byteAtColumn(QByteArrayView(rows.data).sliced(begin, end - begin), inBody);
        if (at >= end)
            return after(r.entry, r.info, r.info.offset + end);
        *direction = r.info.direction;
        *offset = r.info.offset + at;
        return true;
    }
    // Hex: "OFFSET  hh hh ... hh  hh ... hh  |ascii|", byte i of the aligned
    // row at hexColumn(i) and at asciiStart + i.
    const qint64 aligned = r.begin / hexRowBytes * hexRowBytes;
    const int digits = offsetDigits(aligned);
    const qsizetype asciiStart = hexColumn(digits, hexRowBytes) + 2;
    qint64 i = 0;
    if (inBody >= asciiStart) {
        i = inBody - asciiStart;
    } else {
        while (i + 1 < hexRowBytes && hexColumn(digits, i + 1) <= inBody)
            ++i;
    }
    i = std::clamp(i, r.begin - aligned, r.end - aligned);
    if (aligned + i < r.end) {
        *direction = r.info.direction;
        *offset = aligned + i;
        return true;
    }
    // After the row: its last byte may be in a later entry of the run.
    qint64 last = r.entry;
    Transcript::Entry lastInfo = r.info;
    while (lastInfo.offset + lastInfo.size < r.end && last + 1 < m_indexedEntries) {
        const Transcript::Entry next = entryAt(last + 1);
        if (next.kind != Transcript::Kind::Data || next.direction != r.info.direction || !next.source.isEmpty())
            break;
        ++last;
        lastInfo = next;
    }
    return after(last, lastInfo, r.end);
}

qint64 TranscriptLayout::bytesBeforeEntry(qint64 entry) const
{
    if (!m_transcript || m_checkpoints.isEmpty())
        return 0;
    entry = std::clamp<qint64>(entry, 0, m_indexedEntries);
    const qsizetype checkpoint = std::min<qsizetype>(m_checkpoints.size() - 1, qsizetype(entry / m_stride));
    const Cursor &from = m_checkpoints.at(checkpoint);
    qint64 bytes = from.before[0] + from.before[1];
    for (qint64 e = from.entry; e < entry; ++e) {
        const Transcript::Entry info = entryAt(e);
        if (info.kind == Transcript::Kind::Data)
            bytes += info.size;
    }
    return bytes;
}

QString TranscriptLayout::head(Mode mode, const Row &row, bool withTimes) const
{
    QString head = withTimes ? TranscriptText::timePrefix(row.info) : QString();
    if (row.isEvent())
        return head + TranscriptText::eventMarker() + QLatin1Char(' ');
    head += TranscriptText::marker(row.info.direction);
    if (!row.info.source.isEmpty())
        head += QLatin1Char('(') + TranscriptText::escape(row.info.source.toUtf8()) + QLatin1Char(')');
    if (mode == Mode::Text && row.continuation)
        head += QChar(0x2026); // "…": continues the row above
    return head + QLatin1Char(' ');
}

QString TranscriptLayout::body(Mode mode, const Row &row) const
{
    if (row.isEvent())
        return TranscriptText::escape(TranscriptText::describeEvent(row.info.event, row.info.detail).toUtf8());
    if (mode == Mode::Text) {
        const EntryRows &rows = textRows(row.entry);
        // Clamped: a short read from the store shows less, never reads past.
        const qint64 end = std::min<qint64>(row.end, rows.data.size());
        const qint64 begin = std::min<qint64>(row.begin, end);
        return TranscriptText::escape(QByteArrayView(rows.data).sliced(begin, end - begin));
    }
    const QByteArray bytes = m_transcript->read(row.info.direction, row.begin, row.end - row.begin);
    const qint64 aligned = row.begin / hexRowBytes * hexRowBytes;
    const int digits = offsetDigits(aligned);
    QString out;
    out.reserve(digits + 2 + 16 * 3 + 4 + 16);
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out += QLatin1Char(hexDigits[(aligned >> shift) & 0xF]);
    out += QLatin1String("  ");
    const qint64 lead = row.begin - aligned;
    QString ascii;
    for (qint64 i = 0; i < hexRowBytes; ++i) {
        if (i == 8)
            out += QLatin1Char(' ');
        const qint64 at = i - lead;
        if (at >= 0 && at < bytes.size()) {
            const auto byte = static_cast<uchar>(bytes.at(at));
            out += QLatin1Char(hexDigits[byte >> 4]);
            out += QLatin1Char(hexDigits[byte & 0xF]);
            ascii += QLatin1Char(byte >= 0x20 && byte < 0x7f ? char(byte) : '.');
        } else {
            out += QLatin1String("  ");
            if (at < 0)
                ascii += QLatin1Char(' ');
        }
        out += QLatin1Char(' ');
    }
    return out + QLatin1String(" |") + ascii + QLatin1Char('|');
}
