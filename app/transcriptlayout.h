#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include "transcript.h"

// The rows of a transcript as the window's view shows them, in text or hex,
// computed lazily from Transcript::entry()/data()/read() with an index whose
// memory is bounded however long the transcript grows.
//
// Rows never cross entries in text mode: each entry's data is cut after each
// "\n" byte, and a line longer than maxRowBytes bytes is cut into
// continuation rows of at most maxRowBytes bytes (a cut never splits a valid
// UTF-8 sequence, so the rows' escaped texts joined equal the escaped line).
// An event is one row. In hex mode a run of consecutive data entries of one
// direction (datagrams excepted: each is its own run) is shown like
// `hexdump -C` of that part of the stream: rows start at stream offsets that
// are multiples of 16, except the first row of a run, which starts at the
// run's first byte and is padded so that columns stay aligned.
//
// The index: one checkpoint every stride() entries holding the first text
// row, first hex row and the bytes of each direction before that entry. When
// the checkpoints exceed maxCheckpoints, every other one is dropped and the
// stride doubles, so the index holds at most maxCheckpoints + 1 checkpoints.
// Locating a row reads at most stride() entries from the nearest checkpoint
// (their bytes sum to about total / maxCheckpoints). A small cache keeps the
// row starts of recently read entries.
//
// Entries are read from the transcript in blocks (Transcript::entries()),
// and the layout remembers, for each mode, where its last walk started (a
// hint, O(1) memory): a call whose target lies at or after the hint and
// after its nearest checkpoint walks from the hint instead, so painting
// consecutive frames or scrolling by a few rows reads a few entries only.
// Neither changes any result.
//
// Not thread-safe: use it on the transcript's thread.
class TranscriptLayout
{
public:
    enum class Mode { Text, Hex };

    static constexpr qint64 maxRowBytes = 1024; // bytes of one text row at most
    static constexpr qint64 hexRowBytes = 16;

    struct Row {
        qint64 entry = -1;          // the entry the row starts in
        Transcript::Entry info;     // that entry
        qint64 begin = 0;           // Text: byte offset in the entry; Hex: offset in the direction's stream
        qint64 end = 0;             // exclusive, like begin
        bool continuation = false;  // Text: continues the row before it (a cut long line)
        bool isEvent() const { return info.kind == Transcript::Kind::Event; }
    };

    explicit TranscriptLayout(qsizetype maxCheckpoints = 4096);

    // The number of text rows `bytes` (one entry's data) is cut into.
    // Transcript records it with each data entry (Entry::textRows), so
    // indexing reads no data back; an entry without it is read and cut.
    static qint64 countTextRows(QByteArrayView bytes);

    // Forgets the index and starts over with `transcript` (may be null). The
    // transcript must outlive its use here.
    void setTranscript(const Transcript *transcript);
    const Transcript *transcript() const { return m_transcript; }

    // What indexing an entry whose row count is recorded costs against
    // indexMore()'s budget (its data is not read).
    static constexpr qint64 recordedEntryCost = 1024;

    // Indexes further entries until about `byteBudget` bytes of data were
    // read (an entry whose row count is recorded counts as
    // recordedEntryCost), at least
    // one entry if any is waiting. Returns the number of entries indexed by
    // this call.
    qint64 indexMore(qint64 byteBudget);
    qint64 indexedEntries() const { return m_indexedEntries; }
    bool isComplete() const;

    // Rows of the indexed entries.
    qint64 rowCount(Mode mode) const { return mode == Mode::Text ? m_textRows : m_hexRows; }

    // Index size, for tests that check that it stays bounded.
    qsizetype checkpointCount() const { return m_checkpoints.size(); }
    qsizetype maxCheckpoints() const { return m_maxCheckpoints; }
    qint64 stride() const { return m_stride; }
    qint64 indexBytes() const;

    // Up to `count` rows from row `first` (fewer at the end).
    QList<Row> rows(Mode mode, qint64 first, qint64 count) const;
    // The first row of indexed entry `entry`; -1 if it is not indexed.
    qint64 firstRowOfEntry(Mode mode, qint64 entry) const;
    // The row showing byte `offset` of `direction`'s stream and the column of
    // that byte within the row's text; false if that byte is not indexed.
    bool rowOfByte(Mode mode, Transcript::Direction direction, qint64 offset, bool withTimes, qint64 *row,
                   qsizetype *column) const;

    // The inverse of rowOfByte(): the byte that position (`row`, `column`) of
    // `mode`'s rows stands for, as a direction and an offset in its stream.
    // In a data row, the byte whose text covers the column (an escape such as
    // "\x00" covers four columns; in hex, a byte's two digits, the space after
    // them and its ASCII character), or the row's first byte for a column in
    // its head (time, marker, source). A column after the row's last byte
    // gives the byte after it: the next row's first one, or after an entry's
    // last byte the first byte of the next data entry of either direction
    // (if none yet, the end of the row's direction's stream). An event's row
    // gives the first byte of the next data entry. False if there is none or
    // the row is not indexed.
    bool byteAt(Mode mode, qint64 row, qsizetype column, bool withTimes, Transcript::Direction *direction,
                qint64 *offset) const;
    // The data bytes of both directions in the indexed entries before `entry`
    // (reads at most stride() entries' metadata: cheap).
    qint64 bytesBeforeEntry(qint64 entry) const;

    // What a row shows: head (time, marker, source) then body. A text row's
    // body is the escaped bytes (TranscriptText::escape); an event's is its
    // description; a hex row's is "OFFSET  hh hh ...  |ascii|".
    QString head(Mode mode, const Row &row, bool withTimes) const;
    QString body(Mode mode, const Row &row) const;
    QString text(Mode mode, const Row &row, bool withTimes) const { return head(mode, row, withTimes) + body(mode, row); }

private:
    // The state of a walk over entries, before `entry`. A checkpoint is one.
    struct Cursor {
        qint64 entry = 0;
        qint64 textRow = 0;
        qint64 hexRow = 0;
        qint64 before[2] = {0, 0}; // bytes of each direction in earlier entries
        int openRun = -1;          // direction (0 sent, 1 received) of the hex run the previous entry is in
    };

    struct EntryRows {
        QByteArray data;     // the entry's bytes
        QList<qint64> starts; // byte offset of each text row
    };
    const EntryRows &textRows(qint64 entry) const;
    qint64 textRowsOf(qint64 entry, const Transcript::Entry &info) const;
    static qint64 hexRowsOf(const Transcript::Entry &info, bool runStart);
    static qint64 hexRowStart(const Transcript::Entry &info, bool runStart, qint64 index);
    static bool opensRun(const Transcript::Entry &info, const Cursor &cursor);
    // Moves `cursor` past entry `info`; returns (via the pointers) its rows.
    void step(Cursor &cursor, const Transcript::Entry &info, qint64 *textRows, qint64 *hexRows) const;
    // The walk state at the start of the entry holding row `row` (or byte
    // `offset` of a direction), from the nearest checkpoint.
    Cursor cursorForRow(Mode mode, qint64 row) const;
    // Where a walk of `mode` starts: `from` (the nearest checkpoint before
    // the target), or the mode's hint if it is later than `from` and
    // `usable(hint)` says it is not past the target.
    template<typename Usable>
    Cursor startFrom(Mode mode, const Cursor &from, Usable usable) const;
    void remember(Mode mode, const Cursor &cursor) const;
    // Entry `index` (< the transcript's entryCount()), from the block of
    // entries read last, reading a new block when it is not in it.
    Transcript::Entry entryAt(qint64 index) const;
    qint64 hexRowEnd(qint64 entry, const Transcript::Entry &info, qint64 begin) const;
    // The first byte of the first data entry at or after `entry`; false if none is indexed.
    bool nextDataByte(qint64 entry, Transcript::Direction *direction, qint64 *offset) const;

    const Transcript *m_transcript = nullptr;
    qsizetype m_maxCheckpoints;
    qint64 m_stride = 1;
    QList<Cursor> m_checkpoints;
    qint64 m_indexedEntries = 0;
    qint64 m_textRows = 0;
    qint64 m_hexRows = 0;
    Cursor m_end; // the walk's state after the last indexed entry

    mutable QHash<qint64, EntryRows> m_cache; // recently read entries
    mutable QList<Transcript::Entry> m_block; // entries [m_blockFirst, m_blockFirst + m_block.size())
    mutable qint64 m_blockFirst = 0;
    mutable Cursor m_hint[2];          // per mode (Text, Hex): the start of the last walk
    mutable bool m_hintValid[2] = {false, false};
    mutable qint64 m_cacheBytes = 0;
};
