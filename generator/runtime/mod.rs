pub use self::enums::deserialize_enum;
pub use self::file::FilePart;
pub use self::nullable::Nullable;
