// Integration tests talk to a real server: give each test room for multipart transfers.
jest.setTimeout(60_000);
