//! A bare HTTP/1.1 client over std's TcpStream: the tests look at the wire
//! itself (headers, keep-alive), which a client library would hide.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

pub struct Conn {
    reader: BufReader<TcpStream>,
}

pub struct Reply {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

impl Conn {
    /// `url` as StandIn::url gives it: http://127.0.0.1:PORT
    pub fn open(url: &str) -> Conn {
        let addr = url.trim_start_matches("http://");
        Conn {
            reader: BufReader::new(TcpStream::connect(addr).expect("connect")),
        }
    }

    pub fn send(&mut self, method: &str, target: &str, key: Option<&str>, body: &str) -> Reply {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: standin\r\n");
        if let Some(k) = key {
            head += &format!("X-API-Key: {k}\r\n");
        }
        if !body.is_empty() {
            head += &format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            );
        }
        head += "\r\n";
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        self.read_reply()
    }

    pub fn get(&mut self, target: &str, key: Option<&str>) -> Reply {
        self.send("GET", target, key, "")
    }

    /// Answers here always carry a Content-Length (or are bodiless 204/304):
    /// anything else fails the test.
    fn read_reply(&mut self) -> Reply {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line
            .split(' ')
            .nth(1)
            .expect("a status line")
            .parse()
            .unwrap();
        let mut headers = vec![];
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (name, value) = h.split_once(':').expect("a header");
            headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        }
        let reply = Reply {
            status,
            headers,
            body: vec![],
        };
        let length = match reply.header("content-length") {
            Some(n) => n.parse().unwrap(),
            None if matches!(status, 204 | 304) => 0,
            None => panic!("no Content-Length: {:?}", reply.headers),
        };
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        Reply { body, ..reply }
    }
}
