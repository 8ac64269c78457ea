package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
)

// apiError is a modelled service error.
type apiError struct {
	status  int
	code    string
	message string
}

func clientError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ClientException", message: fmt.Sprintf(format, args...)}
}

// jsonOperation handles one AWS JSON 1.1 operation's request body.
type jsonOperation func(body []byte) (any, *apiError)

// jsonProtocol writes AWS JSON 1.1 responses.
type jsonProtocol struct{}

func (jsonProtocol) writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": message})
}

func (jsonProtocol) writeResult(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// serveJSON runs one AWS JSON 1.1 call of service (signing name) and op.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, body []byte, service, op string, lookup func(string) jsonOperation) {
	p := jsonProtocol{}
	if r.Method != http.MethodPost {
		p.writeError(w, http.StatusBadRequest, "SerializationException", "AWS JSON requests are POSTs")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		p.writeError(w, http.StatusBadRequest, "SerializationException",
			fmt.Sprintf("Content-Type %q is not application/x-amz-json-1.1", ct))
		return
	}
	handle := lookup(op)
	if handle == nil {
		p.writeError(w, http.StatusBadRequest, "UnknownOperationException", fmt.Sprintf("%s does not support %s", service, op))
		return
	}
	if !s.admit(w, r, p, service, service+":"+op, "ThrottlingException", "ServerException") {
		return
	}
	out, aerr := handle(body)
	if aerr != nil {
		p.writeError(w, aerr.status, aerr.code, aerr.message)
		return
	}
	p.writeResult(w, out)
}

// queryProtocol writes the STS query protocol's XML responses.
type queryProtocol struct{}

type queryErrorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

func (queryProtocol) writeError(w http.ResponseWriter, status int, code, message string) {
	kind := "Sender"
	if status >= 500 {
		kind = "Receiver"
	}
	writeXML(w, status, queryErrorResponse{
		Xmlns: stsXMLNS, Type: kind, Code: code, Message: message, RequestID: "awsfake-request",
	})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

const stsXMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

type getCallerIdentityResponse struct {
	XMLName   xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns     string   `xml:"xmlns,attr"`
	Arn       string   `xml:"GetCallerIdentityResult>Arn"`
	UserID    string   `xml:"GetCallerIdentityResult>UserId"`
	Account   string   `xml:"GetCallerIdentityResult>Account"`
	RequestID string   `xml:"ResponseMetadata>RequestId"`
}

// serveSTS runs one STS query-protocol call.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request, body []byte) {
	p := queryProtocol{}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		p.writeError(w, http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Content-Type %q is not application/x-www-form-urlencoded", ct))
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		p.writeError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	if v := form.Get("Version"); v != "2011-06-15" {
		p.writeError(w, http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf("unsupported Version %q", v))
		return
	}
	action := form.Get("Action")
	if action != "GetCallerIdentity" {
		p.writeError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version 2011-06-15", action))
		return
	}
	if !s.admit(w, r, p, "sts", STSGetCallerIdentity, "Throttling", "InternalFailure") {
		return
	}
	writeXML(w, http.StatusOK, getCallerIdentityResponse{
		Xmlns:     stsXMLNS,
		Arn:       fmt.Sprintf("arn:aws:iam::%s:user/awsfake", s.opts.Account),
		UserID:    "AIDAAWSFAKEUSER",
		Account:   s.opts.Account,
		RequestID: "awsfake-request",
	})
}
