#pragma once

#include <functional>

#include <QAccessible>
#include <QString>

class QObject;
class QWidget;

// How the windows tell assistive technology about what is not a focus
// move: errors to read now, and values that changed.
//
// Qt passes accessibility events on only while assistive technology is
// active (on the offscreen platform, never); an observer sees every
// announcement made here whether or not it is, so tests can check them.
namespace Announce {

// Sets the accessible name of `widget` to one that carries its value
// ("State: Connected"); Qt reports the change as QAccessible::NameChanged.
void setName(QWidget *widget, const QString &name);

// Reports that `object` shows an error to be read now: a QAccessible::Alert
// event. Its accessible name must carry the message.
void alert(QObject *object);

// Sees every setName() that changed a name (as NameChanged) and every
// alert(). None by default; returns the previous one.
using Observer = std::function<void(QObject *object, QAccessible::Event type)>;
Observer setObserver(Observer observer);

} // namespace Announce
