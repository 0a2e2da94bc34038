#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

#include "transcript.h"

// Human-readable rendering of transcript bytes, shared by the text exporter
// and the window's transcript view, so both show the same thing.
//
// Escaping is unambiguous and never lets data act on the reader:
// valid printable UTF-8 stays as it is; a backslash becomes "\\"; \r \n \t
// and NUL become "\r" "\n" "\t" "\0"; other C0 controls, DEL and every byte
// that is not part of valid UTF-8 become "\xHH"; C1 controls, U+2028/U+2029
// and Unicode bidirectional / invisible formatting characters become
// "\u{HHHH}".
// Hex digits are lowercase.
namespace TranscriptText {

// Escapes bytes as described above. A "\n" escape is followed by a real
// line break only in splitLines().
QString escape(QByteArrayView bytes);

// The inverse of escape() for positions: the index of the byte whose escaped
// text covers column `column` of escape(bytes) (the first byte of a UTF-8
// sequence or an escape such as "\x00", which take one and four columns);
// bytes.size() for a column at or after the end.
qsizetype byteAtColumn(QByteArrayView bytes, qsizetype column);

// escape(bytes).toUtf8(), appended to `out`: the same text, made without
// a QString, for exports.
void appendEscaped(QByteArrayView bytes, QByteArray &out);

// Escapes one data chunk and cuts it into display lines: each line ends
// after an escaped "\n" (the escape stays visible at the end of the line).
// The last line may be incomplete; a chunk of zero bytes gives no lines.
QStringList splitLines(QByteArrayView bytes);

// "+1.234s"
QString relativeTime(qint64 tMs);
// "2026-11-25T17:04:32.123Z"
QString isoTime(qint64 wallMs);

// Direction markers, readable in monochrome: ">" for sent, "<" for received,
// "*" for events.
QString marker(Transcript::Direction direction);
QString eventMarker();

// "[+0.013s 2026-11-25T17:04:32.136Z] ": the time prefix of a text line.
QString timePrefix(const Transcript::Entry &entry);

// The display lines of one entry exactly as the text export writes them
// (without line breaks): the time prefix when withTimes, then the marker and
// the escaped text; an event is one line. `bytes` are the entry's data.
QStringList entryLines(const Transcript::Entry &entry, QByteArrayView bytes, bool withTimes);
// The same lines in UTF-8, each followed by "\n", appended to `out`.
void appendEntryLines(const Transcript::Entry &entry, QByteArrayView bytes, bool withTimes, QByteArray &out);

// One readable line for an event: "connected to 127.0.0.1:8080" etc.
QString describeEvent(const QString &name, const QString &detail);

} // namespace TranscriptText
