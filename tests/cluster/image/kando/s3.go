// S3 access for `kando location`: path-style requests signed with AWS Signature Version 4,
// written with the standard library only (the test image build cannot fetch modules).

package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const partSize = 8 << 20 // bytes buffered per request: memory stays bounded for any stream

type s3Client struct {
	endpoint *url.URL
	region   string
	bucket   string
	keyID    string
	secret   string
	token    string
	http     *http.Client
}

func newS3Client(p *profile) (*s3Client, error) {
	loc := p.Location
	if loc.Type != "s3Compliant" && loc.Type != "S3Compliant" {
		return nil, fmt.Errorf("Location type %q not supported by the kancli test image", loc.Type)
	}
	if loc.Bucket == "" {
		return nil, fmt.Errorf("Profile location names no bucket")
	}
	region := loc.Region
	if region == "" {
		region = "us-east-1"
	}
	endpoint := strings.TrimSuffix(loc.Endpoint, "/")
	if endpoint == "" {
		endpoint = "https://s3." + region + ".amazonaws.com"
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("invalid endpoint %q: %w", loc.Endpoint, err)
	}
	keyID, secret, token, err := p.credentials()
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if p.SkipSSLVerify {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec
	}
	return &s3Client{u, region, loc.Bucket, keyID, secret, token, &http.Client{Transport: transport}}, nil
}

// escapePath encodes a key the way SigV4 canonical URIs need it: every byte except unreserved
// characters and '/'.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '/' || c == '-' || c == '_' || c == '.' || c == '~' ||
			('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// do sends one signed request for key (empty: the bucket) with the given query and body.
func (c *s3Client) do(method, key string, query url.Values, body []byte) (*http.Response, error) {
	path := strings.TrimSuffix(c.endpoint.Path, "/") + "/" + c.bucket
	if key != "" {
		path += "/" + key
	}
	u := *c.endpoint
	u.Path = path
	u.RawPath = escapePath(path)
	u.RawQuery = canonicalQuery(query)
	req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(body))
	now := time.Now().UTC()
	amzDate := now.Format("20060102T150405Z")
	day := now.Format("20060102")
	payloadHash := sha256Hex(body)
	req.Header.Set("x-amz-date", amzDate)
	req.Header.Set("x-amz-content-sha256", payloadHash)
	if c.token != "" {
		req.Header.Set("x-amz-security-token", c.token)
	}
	names := []string{"host", "x-amz-content-sha256", "x-amz-date"}
	values := map[string]string{"host": u.Host, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate}
	if c.token != "" {
		names = append(names, "x-amz-security-token")
		values["x-amz-security-token"] = c.token
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, n := range names {
		canonHeaders.WriteString(n + ":" + strings.TrimSpace(values[n]) + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{method, u.RawPath, u.RawQuery, canonHeaders.String(), signed, payloadHash}, "\n")
	scope := day + "/" + c.region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
	k := hmacSHA256([]byte("AWS4"+c.secret), day)
	k = hmacSHA256(k, c.region)
	k = hmacSHA256(k, "s3")
	k = hmacSHA256(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(k, toSign))
	req.Header.Set("Authorization", fmt.Sprintf(
		"AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", c.keyID, scope, signed, sig))
	return c.http.Do(req)
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, escapeQuery(k)+"="+escapeQuery(v))
		}
	}
	return strings.Join(parts, "&")
}

func escapeQuery(s string) string {
	return strings.ReplaceAll(escapePath(s), "/", "%2F")
}

// call sends a request and fails unless the reply is 200 OK, quoting the S3 error body.
func (c *s3Client) call(method, key string, q url.Values, body []byte) (*http.Response, error) {
	what := fmt.Sprintf("%s s3://%s/%s", method, c.bucket, key)
	resp, err := c.do(method, key, q, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %s: %s", what, resp.Status, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// put uploads src as key: one PUT when it fits in a part, else a multipart upload.
func (c *s3Client) put(key string, src io.Reader) error {
	first, err := readPart(src)
	if err != nil {
		return err
	}
	if len(first) < partSize {
		resp, err := c.call("PUT", key, nil, first)
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	return c.multipart(key, first, src)
}

func (c *s3Client) callBody(method, key string, q url.Values, body []byte) ([]byte, error) {
	resp, err := c.call(method, key, q, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func (c *s3Client) multipart(key string, first []byte, src io.Reader) (err error) {
	data, err := c.callBody("POST", key, url.Values{"uploads": {""}}, nil)
	if err != nil {
		return err
	}
	var started struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(data, &started); err != nil || started.UploadID == "" {
		return fmt.Errorf("starting multipart upload: unexpected reply %q", data)
	}
	defer func() {
		if err != nil {
			if resp, abortErr := c.do("DELETE", key, url.Values{"uploadId": {started.UploadID}}, nil); abortErr == nil {
				resp.Body.Close()
			}
		}
	}()
	type part struct {
		Number int    `xml:"PartNumber"`
		ETag   string `xml:"ETag"`
	}
	var parts []part
	for chunk := first; len(chunk) > 0; {
		n := len(parts) + 1
		q := url.Values{"partNumber": {fmt.Sprint(n)}, "uploadId": {started.UploadID}}
		resp, err := c.call("PUT", key, q, chunk)
		if err != nil {
			return err
		}
		resp.Body.Close()
		parts = append(parts, part{n, resp.Header.Get("ETag")})
		if len(chunk) < partSize {
			break
		}
		if chunk, err = readPart(src); err != nil {
			return err
		}
	}
	body, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"CompleteMultipartUpload"`
		Parts   []part   `xml:"Part"`
	}{Parts: parts})
	if err != nil {
		return err
	}
	reply, err := c.callBody("POST", key, url.Values{"uploadId": {started.UploadID}}, body)
	if err != nil {
		return err
	}
	if bytes.Contains(reply, []byte("<Error>")) {
		return fmt.Errorf("completing multipart upload: %s", reply)
	}
	return nil
}

func readPart(src io.Reader) ([]byte, error) {
	buf := make([]byte, partSize)
	n, err := io.ReadFull(src, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	return buf[:n], err
}

// get streams key's content into dst.
func (c *s3Client) get(key string, dst io.Writer) error {
	resp, err := c.call("GET", key, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(dst, resp.Body)
	return err
}

func (c *s3Client) remove(key string) error {
	resp, err := c.do("DELETE", key, nil, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("deleting %s: %s: %s", key, resp.Status, strings.TrimSpace(string(msg)))
	}
	return nil
}
