use std::fmt::Write as _;

/// A value that travels as text in a path, query string or header.
pub trait ParamValue {
    /// Writes the value, unencoded, to `out`.
    fn write_param(&self, out: &mut String);
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn write_param(&self, out: &mut String) {
        (**self).write_param(out);
    }
}

impl ParamValue for str {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for String {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for bool {
    fn write_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn write_param(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}

display_param!(i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn write_param(&self, out: &mut String) {
        // RFC 3339, as the schema's `date-time` format says.
        out.push_str(&self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    }
}
