#include "requestcodec.h"

#include <optional>

namespace {

// Tracks the 1-based line and column of a position in the input as the
// encoder walks forward. Only '\n' starts a line (a typed "\r\n" is one
// newline whose '\r' is never reported on).
class Cursor
{
public:
    explicit Cursor(const QString &input) : m_input(input) {}

    qsizetype index() const { return m_index; }
    bool atEnd() const { return m_index >= m_input.size(); }
    QChar current() const { return m_input.at(m_index); }
    bool hasAt(qsizetype offset) const { return m_index + offset < m_input.size(); }
    QChar at(qsizetype offset) const { return m_input.at(m_index + offset); }

    int line() const { return m_line; }
    int column() const { return m_column; }

    // Moves forward by `count` characters, counting lines.
    void advance(qsizetype count = 1)
    {
        for (qsizetype i = 0; i < count && !atEnd(); ++i) {
            if (current() == QLatin1Char('\n')) {
                ++m_line;
                m_column = 1;
            } else {
                ++m_column;
            }
            ++m_index;
        }
    }

    // A typed newline at the cursor: "\n" or "\r\n". Returns its length, or 0.
    qsizetype newlineLength() const
    {
        if (atEnd())
            return 0;
        if (current() == QLatin1Char('\n'))
            return 1;
        if (current() == QLatin1Char('\r') && hasAt(1) && at(1) == QLatin1Char('\n'))
            return 2;
        return 0;
    }

private:
    const QString &m_input;
    qsizetype m_index = 0;
    int m_line = 1;
    int m_column = 1;
};

RequestCodec::Result failure(int line, int column, const QString &message)
{
    RequestCodec::Result result;
    result.error.line = line;
    result.error.column = column;
    result.error.message = message;
    return result;
}

int hexValue(QChar c)
{
    return RequestCodec::hexDigitValue(c);
}

// The character at the cursor as it should appear quoted in a message: a
// whole surrogate pair, or U+XXXX for controls and lone surrogates.
QString displayChar(const Cursor &cursor)
{
    const QChar c = cursor.current();
    if (c.isHighSurrogate() && cursor.hasAt(1) && cursor.at(1).isLowSurrogate())
        return QString(c) + cursor.at(1);
    if (c.category() == QChar::Other_Control || c.isSurrogate() || (c.isSpace() && c != QLatin1Char(' ')))
        return QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
    return QString(c);
}

QString quoted(const QString &text)
{
    return QLatin1Char('"') + text + QLatin1Char('"');
}

QByteArray lineEndingBytes(RequestCodec::LineEnding lineEnding)
{
    switch (lineEnding) {
    case RequestCodec::LineEnding::LF:
        return QByteArrayLiteral("\n");
    case RequestCodec::LineEnding::CRLF:
        return QByteArrayLiteral("\r\n");
    case RequestCodec::LineEnding::None:
        break;
    }
    return QByteArray();
}

// Text mode. With `newline` null, typed newlines are plain text, kept as typed.
RequestCodec::Result encodeText(const QString &input, const std::optional<QByteArray> &newline)
{
    RequestCodec::Result result;
    Cursor cursor(input);
    qsizetype runStart = 0; // start of the plain text not yet encoded

    auto flushRun = [&] {
        if (cursor.index() > runStart)
            result.bytes += QStringView(input).mid(runStart, cursor.index() - runStart).toUtf8();
    };

    while (!cursor.atEnd()) {
        if (const qsizetype length = newline ? cursor.newlineLength() : 0) {
            flushRun();
            result.bytes += *newline;
            cursor.advance(length);
            runStart = cursor.index();
            continue;
        }
        if (cursor.current() != QLatin1Char('\\')) {
            cursor.advance();
            continue;
        }

        flushRun();
        const int line = cursor.line();
        const int column = cursor.column();
        if (!cursor.hasAt(1))
            return failure(line, column, QStringLiteral("lone \"\\\" at the end: write \"\\\\\" for a backslash"));
        if (cursor.at(1) == QLatin1Char('\n')
            || (cursor.at(1) == QLatin1Char('\r') && cursor.hasAt(2) && cursor.at(2) == QLatin1Char('\n')))
            return failure(line, column, QStringLiteral("lone \"\\\" at the end of the line: write \"\\\\\" for a backslash"));

        const char16_t escape = cursor.at(1).unicode();
        qsizetype length = 2;
        switch (escape) {
        case u'r':
            result.bytes += '\r';
            break;
        case u'n':
            result.bytes += '\n';
            break;
        case u't':
            result.bytes += '\t';
            break;
        case u'\\':
            result.bytes += '\\';
            break;
        case u'0':
            result.bytes += '\0';
            break;
        case u'x': {
            const int high = cursor.hasAt(2) ? hexValue(cursor.at(2)) : -1;
            const int low = cursor.hasAt(3) ? hexValue(cursor.at(3)) : -1;
            if (high < 0 || low < 0)
                return failure(line, column, QStringLiteral("\"\\x\" needs two hex digits"));
            result.bytes += static_cast<char>(high * 16 + low);
            length = 4;
            break;
        }
        default: {
            cursor.advance(); // to the character after the backslash
            return failure(line, column,
                           QStringLiteral("unknown escape ") + quoted(QLatin1Char('\\') + displayChar(cursor)));
        }
        }
        cursor.advance(length);
        runStart = cursor.index();
    }
    flushRun();
    return result;
}

RequestCodec::Result encodeHex(const QString &input)
{
    RequestCodec::Result result;
    Cursor cursor(input);

    auto notHex = [&cursor] {
        return failure(cursor.line(), cursor.column(),
                       quoted(displayChar(cursor)) + QStringLiteral(" is not a hex digit"));
    };

    while (!cursor.atEnd()) {
        const QChar c = cursor.current();
        if (c.isSpace()) {
            cursor.advance();
            continue;
        }
        const int high = hexValue(c);
        if (high < 0)
            return notHex();

        const int line = cursor.line();
        const int column = cursor.column();
        cursor.advance();
        if (cursor.atEnd() || cursor.current().isSpace()) {
            // A digit without its partner: at the very end it is an odd
            // count, elsewhere a pair written apart or a one-digit byte.
            while (!cursor.atEnd() && cursor.current().isSpace())
                cursor.advance();
            if (cursor.atEnd())
                return failure(line, column,
                               QStringLiteral("odd number of hex digits: ") + quoted(QString(c))
                                   + QStringLiteral(" has no partner"));
            return failure(line, column,
                           QStringLiteral("hex digit ") + quoted(QString(c))
                               + QStringLiteral(" has no partner: write each byte as two digits together, e.g. \"0")
                               + c + QLatin1Char('"'));
        }
        const int low = hexValue(cursor.current());
        if (low < 0) {
            if (c == QLatin1Char('0') && (cursor.current() == QLatin1Char('x') || cursor.current() == QLatin1Char('X')))
                return failure(cursor.line(), cursor.column(),
                               QStringLiteral("\"0x\" prefixes are not accepted: write plain pairs, e.g. \"0d 0a\""));
            return notHex();
        }
        result.bytes += static_cast<char>(high * 16 + low);
        cursor.advance();
    }
    return result;
}

} // namespace

QString RequestCodec::Error::toString() const
{
    if (!isValid())
        return message;
    return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(message);
}

RequestCodec::Result RequestCodec::encode(const QString &input, Mode mode, LineEnding lineEnding)
{
    switch (mode) {
    case Mode::Hex:
        return encodeHex(input);
    case Mode::Text:
        break;
    }
    return encodeText(input, lineEndingBytes(lineEnding));
}

RequestCodec::Result RequestCodec::encodeTextVerbatim(const QString &input)
{
    return encodeText(input, std::nullopt);
}

QString RequestCodec::presetText(Preset preset, const QString &host, quint16 port)
{
    QString hostHeader = host;
    if (!hostHeader.isEmpty()) {
        if (hostHeader.contains(QLatin1Char(':')) && !hostHeader.startsWith(QLatin1Char('[')))
            hostHeader = QLatin1Char('[') + hostHeader + QLatin1Char(']');
        if (port != 0 && port != 80)
            hostHeader += QLatin1Char(':') + QString::number(port);
    }

    switch (preset) {
    case Preset::Http10Get:
        return QStringLiteral("GET / HTTP/1.0\nHost: ") + hostHeader + QStringLiteral("\n\n");
    case Preset::Http11GetClose:
        return QStringLiteral("GET / HTTP/1.1\nHost: ") + hostHeader + QStringLiteral("\nConnection: close\n\n");
    case Preset::PlainLine:
        break;
    }
    return QStringLiteral("hello\n");
}

QString RequestCodec::lineEndingName(LineEnding lineEnding)
{
    switch (lineEnding) {
    case LineEnding::LF:
        return QStringLiteral("LF");
    case LineEnding::CRLF:
        return QStringLiteral("CRLF");
    case LineEnding::None:
        break;
    }
    return QStringLiteral("None");
}

QString RequestCodec::modeName(Mode mode)
{
    switch (mode) {
    case Mode::Text:
        return QStringLiteral("Text");
    case Mode::Hex:
        break;
    }
    return QStringLiteral("Hex");
}

int RequestCodec::hexDigitValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}
