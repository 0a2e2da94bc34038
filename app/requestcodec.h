#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

// Turns what a person typed in the request field into the bytes sent.
//
// Text mode: UTF-8, with the escapes \r \n \t \\ \0 (one NUL byte, no octal)
// and \xHH (exactly two hex digits). A newline typed in the text ("\n", or
// "\r\n" as one newline) becomes the chosen line ending; a lone typed '\r'
// is an ordinary character. An escaped \n is always exactly one LF byte.
// Hex mode: pairs of hex digits, either case, whitespace (newlines included)
// between pairs only ("47 45 54 0d 0a", "474554"); no "0x" prefixes. The
// line ending does not apply to hex mode.
//
// Invalid input is never encoded partially: the result carries the first
// error with its 1-based line and column (columns count characters, i.e.
// UTF-16 code units as a QString holds them).
class RequestCodec
{
public:
    enum class Mode { Text, Hex };
    enum class LineEnding { LF, CRLF, None };
    enum class Preset { Http10Get, Http11GetClose, PlainLine };

    struct Error {
        int line = 0;   // 1-based; 0 when there is no error
        int column = 0; // 1-based
        QString message;
        bool isValid() const { return line > 0; }
        QString toString() const; // "line L, column C: message"
    };

    struct Result {
        QByteArray bytes;
        Error error;
        bool ok() const { return !error.isValid(); }
    };

    static Result encode(const QString &input, Mode mode, LineEnding lineEnding);

    // Text mode with typed newlines kept as they are ("\r\n" stays CR LF,
    // "\n" stays LF): for text that comes from elsewhere than the request
    // field, such as --send on the command line. Same escapes and errors.
    static Result encodeTextVerbatim(const QString &input);

    // The request text of a preset; host and port fill in the Host header
    // (the port is shown only when it is not 80 and not 0; an IPv6 literal is
    // bracketed: "[::1]:8080"). Newlines in the returned text are plain
    // '\n', to be encoded with the user's line ending.
    static QString presetText(Preset preset, const QString &host, quint16 port);

    // 0-15 for a hex digit (either case), -1 for anything else.
    static int hexDigitValue(QChar c);

    static QString lineEndingName(LineEnding lineEnding); // "LF", "CRLF", "None"
    static QString modeName(Mode mode);                   // "Text", "Hex"
};

Q_DECLARE_METATYPE(RequestCodec::Mode)
Q_DECLARE_METATYPE(RequestCodec::LineEnding)
