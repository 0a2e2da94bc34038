#pragma once

#include <QByteArray>
#include <QString>

// What a person typed in a Find field, turned into the bytes to look for.
//
// Text: the UTF-8 bytes of the text, with the request field's escapes
// (RequestCodec text mode: \r \n \t \\ \0 \xHH), so that "\r\n" finds a
// CR LF; a backslash is written "\\". Without matchCase, ASCII letters match
// either case (bytes >= 0x80 always match exactly).
// Hex: pairs of hex digits, either case, each token optionally prefixed with
// "0x"; tokens separated by spaces, tabs or commas ("de ad be ef",
// "DEADBEEF", "0x41 0x42", "0x4142"). Case does not apply to hex patterns.
//
// Invalid or empty input gives no bytes and an error naming the 1-based
// column (in characters) and what is wrong.
class SearchPattern
{
public:
    enum class Syntax { Text, Hex };

    // Patterns longer than this are refused (the search reads in blocks).
    static constexpr qsizetype maxLength = 64 * 1024;

    static SearchPattern parse(const QString &input, Syntax syntax, bool matchCase = true);

    bool isValid() const { return m_error.isEmpty(); }
    QByteArray bytes() const { return m_bytes; }
    // Only for text patterns; hex patterns always match exactly.
    bool caseSensitive() const { return m_caseSensitive; }

    // "" when valid; otherwise e.g. "column 4: "g" is not a hex digit".
    QString errorString() const { return m_error; }
    int errorColumn() const { return m_errorColumn; } // 1-based; 0 when valid

private:
    QByteArray m_bytes;
    bool m_caseSensitive = true;
    QString m_error;
    int m_errorColumn = 0;
};
