#pragma once

#include <QStatusBar>

// A QStatusBar whose message never runs under the permanent widgets on its
// right: a message wider than the room left for it is drawn elided ("…"),
// and the full message is the status bar's tooltip. (SessionStatus carries
// it in the accessible name.) Otherwise it behaves as QStatusBar:
// showMessage(), currentMessage() and messageChanged() are unchanged.
class MessageStatusBar : public QStatusBar
{
    Q_OBJECT
public:
    explicit MessageStatusBar(QWidget *parent = nullptr);

    // The message as drawn now: elided to messageRect()'s width.
    QString displayedMessage() const;
    // Where the message is drawn: from the left edge to a letter's width
    // before the first visible permanent widget (or to the size grip).
    QRect messageRect() const;

protected:
    void paintEvent(QPaintEvent *event) override;
};
