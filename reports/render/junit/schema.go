package junit

import (
	"encoding/xml"
	"strconv"
)

// TestSuites is the root element of a JUnit XML document.
type TestSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     Seconds     `xml:"time,attr"`
	Suites   []TestSuite `xml:"testsuite"`
}

// TestSuite is one profile of one run.
type TestSuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       Seconds    `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr"`
	Properties []Property `xml:"properties>property"`
	Cases      []TestCase `xml:"testcase"`
}

// Property is a name/value pair of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// TestCase is one case.
type TestCase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      Seconds  `xml:"time,attr"`
	Failure   *Failure `xml:"failure"`
	Skipped   *Skipped `xml:"skipped"`
	SystemOut *Text    `xml:"system-out"`
	SystemErr *Text    `xml:"system-err"`
}

// Failure says why a case failed; Type is the first requirement cited.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// Text is the body of system-out and system-err, kept readable as CDATA.
type Text struct {
	Text string `xml:",cdata"`
}

// Skipped says why a case did not run (or failed as expected).
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Seconds is a duration in seconds, written with millisecond precision as
// JUnit's time attributes are.
type Seconds float64

// MarshalXMLAttr writes s as "1.234".
func (s Seconds) MarshalXMLAttr(name xml.Name) (xml.Attr, error) {
	return xml.Attr{Name: name, Value: strconv.FormatFloat(float64(s), 'f', 3, 64)}, nil
}

// UnmarshalXMLAttr reads a decimal number of seconds.
func (s *Seconds) UnmarshalXMLAttr(attr xml.Attr) error {
	f, err := strconv.ParseFloat(attr.Value, 64)
	*s = Seconds(f)
	return err
}
