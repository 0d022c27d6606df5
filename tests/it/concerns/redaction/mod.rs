//! Secrets stay out of every channel, and redaction changes nothing else.

mod channels;
mod everywhere;
mod properties;
